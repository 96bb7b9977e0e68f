using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Every message and state type survives Orleans' serializer and deep copier, and carries the attributes that keep its
/// wire and storage format stable (<c>[GenerateSerializer]</c>, <c>[Alias]</c>).
/// </summary>
public sealed class SerializationTests : IDisposable
{
    private static readonly Assembly Abstractions = typeof(IPartnershipGrain).Assembly;
    private static readonly Assembly Grains = typeof(PartnershipGrain).Assembly;
    private static readonly Type[] OutboxPayloads = [typeof(PartnershipSnapshot), typeof(IndicatorSummary), typeof(ShardDelta)];
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false };

    private readonly ServiceProvider _services = TestSerialization.CreateServices();

    /// <summary>Every [GenerateSerializer] record and enum of both assemblies; generic ones closed over each outbox payload.</summary>
    public static TheoryData<Type> SerializableTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Abstractions.GetTypes().Concat(Grains.GetTypes())
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null && !typeof(Exception).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsGenericTypeDefinition)
            {
                foreach (var payload in OutboxPayloads)
                {
                    data.Add(type.MakeGenericType(payload));
                }
            }
            else
            {
                data.Add(type);
            }
        }

        return data;
    }

    [Fact]
    public void SerializableTypes_CoverEveryMessageAndState()
    {
        var types = ((IEnumerable<object[]>)SerializableTypes()).Select(row => (Type)row[0]).ToHashSet();

        // The grains' persistent states are what storage holds: each must be among the round-tripped types.
        var states = PersistentStates();
        Assert.Equal(6, states.Count);
        Assert.All(states, s => Assert.Contains(s, types));
        Assert.Contains(typeof(PartnershipSnapshot), types);
        Assert.Contains(typeof(Outbox<ShardDelta>), types);
        Assert.True(types.Count > 80, $"{types.Count} types");
    }

    [Theory]
    [MemberData(nameof(SerializableTypes))]
    public void RoundTrips_ThroughSerializerAndDeepCopier(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var value in Enum.GetValues(type))
            {
                Assert.Equal(value, RoundTrip(value));
                Assert.Equal(value, _services.GetRequiredService<DeepCopier>().Copy(value));
            }

            return;
        }

        var sample = new SampleValues().Create(type);
        var expected = JsonSerializer.Serialize(sample, type, Json);

        var serialized = RoundTrip(sample);
        Assert.IsType(type, serialized);
        Assert.Equal(expected, JsonSerializer.Serialize(serialized, type, Json));

        var copy = _services.GetRequiredService<DeepCopier>().Copy<object>(sample);
        Assert.IsType(type, copy);
        Assert.Equal(expected, JsonSerializer.Serialize(copy, type, Json));
    }

    [Fact]
    public void CollectionExpressionLists_RoundTrip()
    {
        // Grains build their lists with collection expressions: the runtime types are compiler-generated.
        List<Designation> held = [Designation.ProofPoint, Designation.SystemsTransformation];
        OutcomeTrend[] trends = [new(StriveNetwork.Domain.Indicators.Outcome.EarlyGradeReading, StriveNetwork.Domain.Indicators.TrendDirection.Improved)];
        var snapshot = new PartnershipSnapshot("racine", 3, "Racine", "WI", "toa-6g", StriveNetwork.Domain.Frameworks.GatewayStage.ProofPoint,
            [.. held], [.. trends], [], [new BenchmarkStatusEntry("6G-EXP-SCV-1", StriveNetwork.Domain.Assessments.BenchmarkStatus.Met)], [], ["early-reading"]);
        var state = new PartnershipState { LastSnapshot = snapshot, CohortIds = [.. snapshot.CohortIds], Outbox = Outbox<PartnershipEvent>.Empty.Add(OutboxTarget.Cohort, "early-reading", PartnershipEvent.ForCohort(snapshot), true) };
        Assert.StartsWith("<>z__", snapshot.Designations.GetType().Name, StringComparison.Ordinal);

        var copy = (PartnershipState)RoundTrip(state);

        Assert.Equal(JsonSerializer.Serialize(state, Json), JsonSerializer.Serialize(copy, Json));
        Assert.Equal(held, copy.Outbox.Entries.Single().Payload.Latest!.Designations);
    }

    [Fact]
    public void PartnershipOutboxEntryStoredBeforeSnapshotUpdates_ReadsWithoutItsSnapshot()
    {
        // Before ADR 0016 an entry's payload was the snapshot itself; the partnership grain recognises such an entry by
        // its missing Latest and delivers its last snapshot with an unknown base instead.
        var snapshot = new PartnershipSnapshot("racine", 3, "Racine", "WI", "toa-6g", StriveNetwork.Domain.Frameworks.GatewayStage.ProofPoint, [], [], [], [], [], []);
        var json = StriveNetwork.Providers.StateJsonSerializer.Default;
        var stored = json.Serialize(Outbox<PartnershipSnapshot>.Empty.Add(OutboxTarget.NetworkShard, "shard-25", snapshot, true));

        var read = json.Deserialize<Outbox<PartnershipEvent>>(stored);

        var entry = Assert.Single(read.Entries);
        Assert.Equal(OutboxTarget.NetworkShard, entry.Target);
        Assert.Null(entry.Payload.Latest);
        Assert.Null(entry.Payload.Base);
        Assert.Null(entry.Payload.ShardChange());
    }

    [Fact]
    public void PartnershipOutboxEntryStoredWithSnapshots_ReadsAsTheCountChangeItStoodFor()
    {
        // From ADR 0016 to ADR 0022 a shard entry held the snapshot update itself (both snapshots).
        var snapshot = new PartnershipSnapshot("racine", 3, "Racine", "WI", "toa-6g", StriveNetwork.Domain.Frameworks.GatewayStage.ProofPoint, [], [], [], [], [], []);
        var before = snapshot with { Sequence = 2, Gateway = StriveNetwork.Domain.Frameworks.GatewayStage.Emerging };
        var json = StriveNetwork.Providers.StateJsonSerializer.Default;
        var stored = json.Serialize(Outbox<SnapshotUpdate>.Empty.Add(OutboxTarget.NetworkShard, "shard-25", new SnapshotUpdate(before, snapshot), true));

        var change = Assert.Single(json.Deserialize<Outbox<PartnershipEvent>>(stored).Entries).Payload.ShardChange();

        Assert.NotNull(change);
        Assert.Equal((2L, 3L, false), (change.BaseSequence, change.Sequence, change.BaseUnknown));
        Assert.Equal(RollupCounter.Change(before, snapshot).OrderBy(c => c.Key, StringComparer.Ordinal), change.Counts.OrderBy(c => c.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void DomainErrors_RoundTripWithTheirFields()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var validation = new GrainValidationException("observations", "2 invalid row(s)")
        {
            Rows = [new RowError(1, "reading", "cia.csv:3", ObservationErrorCode.ZeroDenominator, "observation.counts.denominator", "is zero")],
        };
        GrainDomainException[] errors =
        [
            validation, new NotFoundException("Partnership 'x' does not exist."), new AlreadyExistsException("exists"),
            new ConflictException("etag"), new PreconditionFailedException("version"), new QuotaExceededException("examples"),
        ];

        foreach (var error in errors)
        {
            var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(error));
            Assert.IsType(error.GetType(), copy);
            Assert.Equal(error.Message, copy.Message);
        }

        var field = Assert.IsType<GrainValidationException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(validation)));
        Assert.Equal("observations", field.Field);
        Assert.Equal(validation.Rows, field.Rows);
    }

    [Fact]
    public void EveryPublicRecordEnumAndErrorOfAbstractions_HasGenerateSerializerAndAlias()
    {
        var types = Abstractions.GetExportedTypes()
            .Where(t => t.IsEnum || IsRecord(t) || typeof(Exception).IsAssignableFrom(t))
            .ToList();

        Assert.True(types.Count > 60, $"{types.Count} types");
        Assert.All(types, t => Assert.True(t.GetCustomAttribute<GenerateSerializerAttribute>() is not null, $"{t.Name} lacks [GenerateSerializer]"));
        Assert.All(types, t => Assert.True(HasAlias(t), $"{t.Name} lacks [Alias]"));
    }

    [Fact]
    public void EveryTypeAStateHolds_HasGenerateSerializerAndAlias()
    {
        var types = Reachable(PersistentStates()).Where(t => t.Assembly == Grains || t.Assembly == Abstractions).ToList();

        Assert.Contains(typeof(PartnershipState), types);
        Assert.Contains(typeof(OutboxEntry<>), types);
        Assert.Contains(typeof(OutboxTarget), types);
        Assert.Contains(typeof(PartnershipSnapshot), types);
        Assert.All(types, t => Assert.True(t.GetCustomAttribute<GenerateSerializerAttribute>() is not null, $"{t.Name} lacks [GenerateSerializer]"));
        Assert.All(types, t => Assert.True(HasAlias(t), $"{t.Name} lacks [Alias]"));
    }

    [Fact]
    public void Aliases_AreUnique()
    {
        var aliases = Abstractions.GetTypes().Concat(Grains.GetTypes())
            .SelectMany(t => t.GetCustomAttributes<AliasAttribute>(inherit: false))
            .Select(a => a.Alias)
            .ToList();

        Assert.True(aliases.Count > 80, $"{aliases.Count} aliases");

        Assert.Empty(aliases.GroupBy(a => a, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void EveryGrainInterfaceAndMethod_HasAnAlias()
    {
        var interfaces = Abstractions.GetExportedTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)).ToList();

        Assert.Equal(7, interfaces.Count);
        foreach (var grainInterface in interfaces)
        {
            Assert.True(grainInterface.GetCustomAttribute<AliasAttribute>() is not null, $"{grainInterface.Name} lacks [Alias]");
            var methods = grainInterface.GetMethods();
            Assert.NotEmpty(methods);
            Assert.All(methods, m => Assert.True(m.GetCustomAttribute<AliasAttribute>() is not null, $"{grainInterface.Name}.{m.Name} lacks [Alias]"));
            var aliases = methods.Select(m => m.GetCustomAttribute<AliasAttribute>()!.Alias).ToList();
            Assert.Equal(aliases.Count, aliases.Distinct(StringComparer.Ordinal).Count());
        }
    }

    public void Dispose() => _services.Dispose();

    private static bool HasAlias(Type type) => type.GetCustomAttributes<AliasAttribute>(inherit: false).Any();

    /// <summary>The types grains keep in <see cref="IPersistentState{TState}"/>.</summary>
    internal static List<Type> PersistentStates() => [.. Grains.GetTypes()
        .Where(t => typeof(Grain).IsAssignableFrom(t) && !t.IsAbstract)
        .SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters()))
        .Select(p => p.ParameterType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IPersistentState<>))
        .Select(t => t.GetGenericArguments()[0])];

    /// <summary>The given types and every type their public properties hold (generic definitions, element types), transitively.</summary>
    private static HashSet<Type> Reachable(IEnumerable<Type> roots)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            if (type.IsGenericParameter)
            {
                continue;
            }

            if (type.IsArray)
            {
                pending.Push(type.GetElementType()!);
                continue;
            }

            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    pending.Push(argument);
                }

                type = type.GetGenericTypeDefinition();
            }

            if (Nullable.GetUnderlyingType(type) is null && seen.Add(type) && (type.Assembly == Grains || type.Assembly == Abstractions))
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    pending.Push(property.PropertyType);
                }
            }
        }

        return seen;
    }

    private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

    private object RoundTrip(object value)
    {
        var serializer = _services.GetRequiredService<Serializer>();
        return serializer.Deserialize<object>(serializer.SerializeToArray<object>(value)) ?? throw new InvalidOperationException("null after a round trip");
    }
}
