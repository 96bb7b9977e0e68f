using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orleans.Storage;

namespace StriveNetwork.Providers;

/// <summary>
/// The default <see cref="IGrainStorageSerializer"/> of the StriveNetwork providers: UTF-8 JSON through
/// System.Text.Json with <see cref="StateJson"/>'s options. Another serializer can be set per provider
/// (<c>GrainStorageSerializer</c> option), but it must produce JSON: the stores keep state as JSON text.
/// </summary>
public sealed class StateJsonSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;
    private readonly JsonSerializerOptions _writeOptions;

    /// <summary>Creates a serializer with <paramref name="options"/> (default: <see cref="StateJson.CreateOptions"/>).</summary>
    public StateJsonSerializer(JsonSerializerOptions? options = null)
        : this(options ?? StateJson.CreateOptions(), writeOptions: null)
    {
    }

    private StateJsonSerializer(JsonSerializerOptions options, JsonSerializerOptions? writeOptions)
    {
        _options = options;
        _options.MakeReadOnly(populateMissingResolver: true);
        _writeOptions = writeOptions ?? _options;
        if (!_writeOptions.IsReadOnly)
        {
            _writeOptions.MakeReadOnly(populateMissingResolver: true);
        }
    }

    /// <summary>The shared default instance.</summary>
    public static StateJsonSerializer Default { get; } = new();

    /// <summary>The options reads use, and writes unless the serializer comes from <see cref="WritingThrough"/> (read-only).</summary>
    public JsonSerializerOptions Options => _options;

    /// <summary>The options writes use (read-only): <see cref="Options"/>, or those <see cref="WritingThrough"/> made.</summary>
    public JsonSerializerOptions WriteOptions => _writeOptions;

    /// <summary>
    /// A serializer with <see cref="StateJson.CreateOptions"/> that writes the types <paramref name="contracts"/> knows
    /// through it (source-generated contracts, whose writing code is faster) and reads everything through reflection.
    /// The contracts must write what reflection writes (docs/adr/0023). Reads stay on reflection because a generated
    /// contract sets an init-only property the JSON lacks to its type's default, where reflection keeps the property's
    /// initializer (an empty list, say): rows stored before a member existed would read with nulls.
    /// </summary>
    public static StateJsonSerializer WritingThrough(IJsonTypeInfoResolver contracts)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var write = StateJson.CreateOptions();
        write.TypeInfoResolver = JsonTypeInfoResolver.Combine(contracts, new DefaultJsonTypeInfoResolver());
        return new StateJsonSerializer(StateJson.CreateOptions(), write);
    }

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _writeOptions));

    /// <inheritdoc />
    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)!;
    }
}
