using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StriveNetwork.Actors.Persistence;

/// <summary>A state bound to an activation, loaded before OnActivateAsync.</summary>
internal interface IStateBinding
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// <see cref="IPersistentState{T}"/> over <see cref="IGrainStorage"/>: JSON with a schema version, integer ETags,
/// and the activation's staged events committed with each write (outbox). Awaits keep the grain's scheduler
/// (ConfigureAwait(true)) because these methods run inside grain turns and mutate activation-owned fields.
/// </summary>
internal sealed class PersistentState<T> : IPersistentState<T>, IStateBinding
{
    private static readonly int CurrentSchemaVersion = typeof(T).GetCustomAttribute<StateSchemaAttribute>()?.Version ?? 1;

    private readonly GrainActivation _activation;
    private readonly string _storageName;
    private readonly IGrainStorage _storage;
    private readonly GrainStateKey _key;
    private readonly IStateMigration<T>? _migration;
    private T _state = CreateDefault();

    public PersistentState(GrainActivation activation, string storageName, IGrainStorage storage, GrainStateKey key, IStateMigration<T>? migration)
    {
        _activation = activation;
        _storageName = storageName;
        _storage = storage;
        _key = key;
        _migration = migration;
    }

    public T State
    {
        get => _state;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _state = value;
        }
    }

    public bool RecordExists { get; private set; }

    public string? Etag { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var stored = await _storage.ReadAsync(_key, cancellationToken).ConfigureAwait(true);
        Record("read", started);
        if (stored is null)
        {
            _state = CreateDefault();
            Etag = null;
            RecordExists = false;
            return;
        }

        _state = stored.RecordExists ? Deserialize(stored) : CreateDefault();
        Etag = stored.ETag;
        RecordExists = stored.RecordExists;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var events = _activation.SnapshotStaged();
        var json = JsonSerializer.Serialize(_state, ActorJson.Options);
        var started = Stopwatch.GetTimestamp();
        var etag = await _storage.WriteAsync(_key, json, CurrentSchemaVersion, Etag, events, cancellationToken).ConfigureAwait(true);
        Record("write", started);
        _activation.RemoveCommitted(events.Count);
        Etag = etag;
        RecordExists = true;
        if (events.Count > 0)
        {
            _activation.Silo.StreamSignals.Notify(_storageName);
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var etag = await _storage.ClearAsync(_key, Etag, cancellationToken).ConfigureAwait(true);
        Record("clear", started);
        Etag = etag;
        RecordExists = false;
        _state = CreateDefault();
    }

    private static T CreateDefault()
    {
        // "{}" gives positional records their defaults; types JSON cannot build from nothing fall back to a parameterless constructor.
        try
        {
            return JsonSerializer.Deserialize<T>("{}", ActorJson.Options) ?? Activator.CreateInstance<T>();
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            return Activator.CreateInstance<T>();
        }
    }

    private T Deserialize(StoredGrainState stored)
    {
        var json = stored.Json;
        if (stored.SchemaVersion > CurrentSchemaVersion)
        {
            throw new InvalidOperationException($"State {_key} has schema version {stored.SchemaVersion}, newer than {typeof(T).Name}'s {CurrentSchemaVersion}.");
        }

        if (stored.SchemaVersion < CurrentSchemaVersion && _migration is not null)
        {
            var node = JsonNode.Parse(json) ?? new JsonObject();
            json = _migration.Migrate(stored.SchemaVersion, node).ToJsonString(ActorJson.Options);
        }

        return JsonSerializer.Deserialize<T>(json, ActorJson.Options) ?? CreateDefault();
    }

    private void Record(string operation, long started)
        => _activation.Silo.Metrics.StorageDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("provider", _storageName),
            new KeyValuePair<string, object?>("operation", operation));
}
