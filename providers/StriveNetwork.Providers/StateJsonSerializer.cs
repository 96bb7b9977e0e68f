using System.Text.Json;
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

    /// <summary>Creates a serializer with <paramref name="options"/> (default: <see cref="StateJson.CreateOptions"/>).</summary>
    public StateJsonSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? StateJson.CreateOptions();
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>The shared default instance.</summary>
    public static StateJsonSerializer Default { get; } = new();

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options => _options;

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    /// <inheritdoc />
    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)!;
    }
}
