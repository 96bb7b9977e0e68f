using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace StriveNetwork.Providers;

/// <summary>
/// An Orleans <see cref="IGrainStorage"/> that keeps each state as one row keyed by (grain type, grain key, state
/// name), with the state as JSON text and an integer version as ETag. This class owns the rules every store shares:
/// arguments, serialization, ETag checks, tombstones, start-up and error translation; a subclass supplies the SQL.
/// </summary>
/// <remarks>
/// ETag rules. The carried ETag must equal the stored version; a state that was never written has none (null).
/// A write or clear that carries another ETag (stale, null over an existing row, or malformed) throws
/// <see cref="InconsistentStateException"/> and changes nothing. Every write and clear bumps the version. A clear
/// leaves a tombstone (<c>record_exists = false</c>) whose version the next writer must carry, so a writer that
/// read before the clear still fails.
/// </remarks>
public abstract class JsonRowGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    // A clear's payload (the tombstone keeps an empty object).
    private static readonly ReadOnlyMemory<byte> EmptyJson = "{}"u8.ToArray();

    private readonly IGrainStorageSerializer _serializer;

    // The built-in serializer's output is JSON by construction, so a write skips the syntax pass (ADR 0022's measurements).
    private readonly bool _serializerWritesJson;
    private readonly IActivatorProvider? _activators;
    private readonly int _initStage;
    private readonly AsyncOnce _initialization;

    /// <summary>Creates the storage.</summary>
    /// <param name="name">The provider name (the name given to <c>[PersistentState]</c>).</param>
    /// <param name="serializer">Turns state into JSON and back.</param>
    /// <param name="activatorProvider">Creates empty states (Orleans' activators); null falls back to a parameterless constructor.</param>
    /// <param name="initStage">The silo lifecycle stage at which the store is opened and its schema applied.</param>
    protected JsonRowGrainStorage(string name, IGrainStorageSerializer serializer, IActivatorProvider? activatorProvider, int initStage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(serializer);
        Name = name;
        _serializer = serializer;
        _serializerWritesJson = serializer is StateJsonSerializer;
        _activators = activatorProvider;
        _initStage = initStage;
        _initialization = new AsyncOnce(InitializeStoreAsync);
    }

    /// <summary>The provider name.</summary>
    public string Name { get; }

    /// <summary>The store, for messages, e.g. "SQLite grain storage 'main' (file /data/strive.db)". Never holds a password.</summary>
    protected abstract string Store { get; }

    /// <summary>
    /// Opens the store and creates or upgrades its schema. Runs at the silo's init stage and, outside a silo, before
    /// the first operation; it is idempotent, and a failure surfaces as a clear exception that fails the silo start.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _initialization.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, "opening the store") is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{GetType().Name}-{Name}", _initStage, InitializeAsync);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GrainStateKey.From(stateName, grainId);
        var row = await RunAsync("read", key, ct => ReadRowAsync(key, ct), cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            grainState.State = CreateState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = row.RecordExists ? Deserialize<T>(key, row.Json) : CreateState<T>();
        grainState.ETag = VersionETag.Format(row.Version);
        grainState.RecordExists = row.RecordExists;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GrainStateKey.From(stateName, grainId);
        if (grainState.State is null)
        {
            throw new ArgumentException($"The state of {key} is null; write an empty state or clear it instead.", nameof(grainState));
        }

        var json = Serialize(grainState.State, nameof(grainState));
        var version = await ChangeAsync("write", new RowChange(key, json, RecordExists: true, ExpectedVersion(grainState.ETag)), grainState.ETag, cancellationToken)
            .ConfigureAwait(false);
        grainState.ETag = VersionETag.Format(version);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = GrainStateKey.From(stateName, grainId);
        var version = await ChangeAsync("clear", new RowChange(key, EmptyJson, RecordExists: false, ExpectedVersion(grainState.ETag)), grainState.ETag, cancellationToken)
            .ConfigureAwait(false);
        grainState.ETag = VersionETag.Format(version);
        grainState.RecordExists = false;
        grainState.State = CreateState<T>();
    }

    /// <summary>Opens the store and applies its schema scripts (called once, see <see cref="InitializeAsync"/>).</summary>
    protected abstract Task InitializeStoreAsync(CancellationToken cancellationToken);

    /// <summary>Reads a state row; null when there is none.</summary>
    protected abstract Task<StoredGrainState?> ReadRowAsync(GrainStateKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> atomically: only when the stored version equals its expected version (no row
    /// counts as 0), then with the version bumped by one; otherwise returns the stored version and changes nothing.
    /// Two concurrent changes that expect the same version must not both apply.
    /// </summary>
    protected abstract Task<RowChangeResult> ChangeRowAsync(RowChange change, CancellationToken cancellationToken);

    /// <summary>Which of the store's exceptions mean "full" or "unavailable".</summary>
    protected abstract StoreFailureKind ClassifyFailure(Exception exception);

    /// <summary>Called with the store's own exception before it is reported as <paramref name="kind"/> (for logging it whole).</summary>
    protected virtual void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception)
    {
    }

    /// <summary>Called when a change is refused for its ETag, before <see cref="InconsistentStateException"/> is thrown (for logging).</summary>
    protected virtual void OnETagConflict(GrainStateKey key, string? storedETag, string? carriedETag)
    {
    }

    // No row is version 0; an ETag that names no version can match nothing.
    private static long ExpectedVersion(string? carriedETag) => carriedETag is null ? 0 : VersionETag.Parse(carriedETag) ?? -1;

    private async Task<long> ChangeAsync(string operation, RowChange change, string? carriedETag, CancellationToken cancellationToken)
    {
        var result = await RunAsync(operation, change.Key, ct => ChangeRowAsync(change, ct), cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            return result.Version;
        }

        var stored = result.Version > 0 ? VersionETag.Format(result.Version) : null;
        OnETagConflict(change.Key, stored, carriedETag);
        throw new InconsistentStateException(
            $"Version conflict on {operation} of {change.Key} in {Store}: the stored ETag is '{stored ?? "<none>"}' but the grain carried " +
            $"'{carriedETag ?? "<none>"}'. Another activation or writer changed the state; re-read it.",
            stored,
            carriedETag);
    }

    private async Task<TResult> RunAsync<TResult>(
        string operation, GrainStateKey key, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, $"{operation} of {key}") is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The state as the serializer's UTF-8 JSON, checked (<see cref="StorageArguments.ValidateJson(ReadOnlySpan{byte}, string)"/>).</summary>
    private ReadOnlyMemory<byte> Serialize<T>(T state, string paramName)
    {
        var utf8 = _serializer.Serialize(state).ToMemory();
        StorageArguments.ValidateJson(utf8.Span, paramName, syntaxKnownValid: _serializerWritesJson);
        return utf8;
    }

    private T Deserialize<T>(GrainStateKey key, string json)
    {
        try
        {
            return _serializer.Deserialize<T>(BinaryData.FromString(json)) ?? CreateState<T>();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            // The serializer's message names a JSON path and a type, not the content. No inner exception: this crosses
            // grain calls, and only Orleans' own exceptions are sure to.
            throw new OrleansException($"The stored state of {key} in {Store} cannot be read as {typeof(T).FullName}: {ex.Message}");
        }
    }

    private T CreateState<T>() => _activators is not null ? _activators.GetActivator<T>().Create() : Activator.CreateInstance<T>();

    private Exception? Translate(Exception exception, string operation)
    {
        var kind = ClassifyFailure(exception);
        if (kind == StoreFailureKind.None)
        {
            return null;
        }

        OnStoreFailure(kind, operation, exception);
        return StoreFailures.Translate(kind, Store, operation, exception);
    }
}
