using System.Reflection;
using System.Text.Json;
using StriveNetwork.Grains.Storage;
using StriveNetwork.Providers;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The store serializer the silo uses (<see cref="StateJsonSerializer.WritingThrough"/> the grain states' generated
/// contracts, <see cref="GrainStateJsonContext"/>) writes exactly what the reflection-based default wrote, and reads
/// as it reads, so rows written before and after read the same (docs/adr/0023).
/// </summary>
public sealed class GrainStateJsonTests
{
    private static readonly StateJsonSerializer Reflection = StateJsonSerializer.Default;
    private static readonly StateJsonSerializer Store = StateJsonSerializer.WritingThrough(GrainStateJsonContext.Default);
    private static readonly MethodInfo SerializeMethod = typeof(StateJsonSerializer).GetMethod(nameof(StateJsonSerializer.Serialize))!;
    private static readonly MethodInfo DeserializeMethod = typeof(StateJsonSerializer).GetMethod(nameof(StateJsonSerializer.Deserialize))!;

    public static TheoryData<Type> States() => [.. SerializationTests.PersistentStates()];

    [Fact]
    public void EveryPersistentState_HasAGeneratedContract()
    {
        var states = SerializationTests.PersistentStates();
        Assert.Equal(6, states.Count);
        Assert.All(states, s => Assert.NotNull(GrainStateJsonContext.Default.GetTypeInfo(s)));
    }

    [Fact]
    public void GeneratedContracts_AreForTheStoresOptions()
    {
        // The generated writing code runs only when the options in use match those it was generated for. Otherwise the
        // contracts still write the same JSON, through metadata, only without the speed: the tests below cannot see it.
        var generatedFor = GrainStateJsonContext.Default.Options;
        var used = Store.WriteOptions;

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
    public void StoreSerializer_WritesTheReflectionJson_ByteForByte(Type type)
    {
        // Every member set, collections of two: a member the generated contract drops, renames or reorders shows.
        var sample = new SampleValues().Create(type);

        var reflection = Serialize(Reflection, type, sample);
        var store = Serialize(Store, type, sample);

        Assert.True(reflection.Length > 200, $"{type.Name}: {reflection.Length} bytes");
        Assert.Equal(reflection, store);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void StoreSerializer_RoundTripsEveryMember(Type type)
    {
        var sample = new SampleValues().Create(type);
        var stored = Serialize(Store, type, sample);

        var read = Deserialize(Store, type, stored);

        Assert.IsType(type, read);
        Assert.Equal(stored, Serialize(Store, type, read));
    }

    [Theory]
    [MemberData(nameof(States))]
    public void StoreSerializer_ReadsARowWithoutMembers_AsReflectionDoes(Type type)
    {
        // A row stored before a member existed lacks it. Reflection keeps the member's initializer (an empty list, an
        // empty outbox); a generated contract would set the type's default (null) instead, so reads stay on reflection.
        var old = "{}"u8.ToArray();

        var read = Deserialize(Store, type, old);

        Assert.Equal(Serialize(Reflection, type, Deserialize(Reflection, type, old)), Serialize(Reflection, type, read));
    }

    private static byte[] Serialize(StateJsonSerializer serializer, Type type, object value) =>
        ((BinaryData)SerializeMethod.MakeGenericMethod(type).Invoke(serializer, [value])!).ToArray();

    private static object Deserialize(StateJsonSerializer serializer, Type type, byte[] json) =>
        DeserializeMethod.MakeGenericMethod(type).Invoke(serializer, [BinaryData.FromBytes(json)])!;
}
