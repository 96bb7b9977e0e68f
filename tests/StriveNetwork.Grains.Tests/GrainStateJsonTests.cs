using System.Text.Json;
using StriveNetwork.Grains.Storage;
using StriveNetwork.Providers;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The generated JSON contracts of the grain states (<see cref="GrainStateJsonContext"/>) write exactly what the
/// reflection-based default of the stores wrote, so rows written before and after read the same (docs/adr/0023).
/// </summary>
public sealed class GrainStateJsonTests
{
    private static readonly JsonSerializerOptions Generated = GrainStateJson.CreateOptions();
    private static readonly JsonSerializerOptions Reflection = StateJsonSerializer.Default.Options;

    public static TheoryData<Type> States() => [.. SerializationTests.PersistentStates()];

    [Fact]
    public void EveryPersistentState_HasAGeneratedContract()
    {
        var states = SerializationTests.PersistentStates();
        Assert.Equal(6, states.Count);
        Assert.All(states, s => Assert.NotNull(GrainStateJsonContext.Default.GetTypeInfo(s)));
    }

    [Fact]
    public void GeneratedContracts_AreForTheOptionsInUse()
    {
        // The generated writing code runs only when the options in use match those it was generated for. Otherwise the
        // contracts still write the same JSON, through metadata, only without the speed: the tests below cannot see it.
        var generatedFor = GrainStateJsonContext.Default.Options;
        var used = GrainStateJson.CreateOptions();

        Assert.Same(JsonNamingPolicy.CamelCase, generatedFor.PropertyNamingPolicy);
        Assert.Same(used.PropertyNamingPolicy, generatedFor.PropertyNamingPolicy);
        Assert.Equal(used.DictionaryKeyPolicy, generatedFor.DictionaryKeyPolicy);
        Assert.Equal(used.PropertyNameCaseInsensitive, generatedFor.PropertyNameCaseInsensitive);
        Assert.Equal(used.NumberHandling, generatedFor.NumberHandling);
        Assert.Equal(used.DefaultIgnoreCondition, generatedFor.DefaultIgnoreCondition);
        Assert.Equal(used.IgnoreReadOnlyProperties, generatedFor.IgnoreReadOnlyProperties);
        Assert.Equal(used.IncludeFields, generatedFor.IncludeFields);
        Assert.Equal(used.WriteIndented, generatedFor.WriteIndented);
        Assert.Equal(used.Encoder, generatedFor.Encoder);
        Assert.Empty(used.Converters);
        Assert.Empty(generatedFor.Converters);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void GeneratedContract_WritesTheReflectionJson_ByteForByte(Type type)
    {
        // Every member set, collections of two: a member the generated contract drops, renames or reorders shows.
        var sample = new SampleValues().Create(type);

        var reflection = JsonSerializer.SerializeToUtf8Bytes(sample, type, Reflection);
        var generated = JsonSerializer.SerializeToUtf8Bytes(sample, type, Generated);

        Assert.True(reflection.Length > 200, $"{type.Name}: {reflection.Length} bytes");
        Assert.Equal(reflection, generated);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void GeneratedContract_ReadsWhatReflectionWrote(Type type)
    {
        var sample = new SampleValues().Create(type);
        var reflection = JsonSerializer.SerializeToUtf8Bytes(sample, type, Reflection);

        var read = JsonSerializer.Deserialize(reflection, type, Generated);

        Assert.IsType(type, read);
        Assert.Equal(reflection, JsonSerializer.SerializeToUtf8Bytes(read, type, Reflection));
    }

    [Fact]
    public void StoreSerializer_WithGeneratedContracts_RoundTripsAPartnership()
    {
        var serializer = new StateJsonSerializer(GrainStateJson.CreateOptions());
        var sample = (PartnershipState)new SampleValues().Create(typeof(PartnershipState));

        var stored = serializer.Serialize(sample);
        var read = serializer.Deserialize<PartnershipState>(stored);

        Assert.Equal(StateJsonSerializer.Default.Serialize(sample).ToArray(), stored.ToArray());
        Assert.Equal(stored.ToArray(), serializer.Serialize(read).ToArray());
    }
}
