using System.Globalization;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// Every limit of the gRPC front door, in one place: message and stream sizes, stream timing, connections and
/// streams per client, HTTP/2 keep-alive and header sizes. The silo binds it from configuration section
/// <see cref="SectionName"/> (environment: <c>Strive__Limits__StreamIdleTimeout=00:00:30</c>) and refuses to start
/// when <see cref="Validate"/> reports a problem. Field lengths and list sizes are not here: they are documented per
/// field in the protos and enforced by <see cref="FieldLimits"/>.
/// </summary>
public sealed class GatewayLimits
{
    /// <summary>The configuration section the silo binds.</summary>
    public const string SectionName = "Strive:Limits";

    /// <summary>Largest request message after decompression, in bytes (gRPC MaxReceiveMessageSize). Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest response message, in bytes (gRPC MaxSendMessageSize). Default 16 MiB.</summary>
    public int MaxSendMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Total decompressed bytes of all messages of one client stream. Default 64 MiB.</summary>
    public long MaxStreamBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Messages of one client stream. Default 100,000.</summary>
    public int MaxStreamMessages { get; set; } = 100_000;

    /// <summary>Longest wait for the next message of a client stream. Default 30 s.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest life of a client stream (client-streaming and duplex calls). Default 1 h.</summary>
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Open connections of the whole server (Kestrel MaxConcurrentConnections). Default 10,000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open connections from one remote IP address. Default 256.</summary>
    public int MaxConnectionsPerClient { get; set; } = 256;

    /// <summary>Concurrent HTTP/2 streams (calls) per connection (SETTINGS_MAX_CONCURRENT_STREAMS). Default 100.</summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>Open streaming calls (client, server or duplex streaming) per bearer token. Default 16.</summary>
    public int MaxStreamsPerToken { get; set; } = 16;

    /// <summary>Open health Watch and reflection streams per remote IP address (they need no token). Default 16.</summary>
    public int MaxPublicStreamsPerClient { get; set; } = 16;

    /// <summary>Life of a health Watch or reflection stream; then it ends with DEADLINE_EXCEEDED. Default 10 min.</summary>
    public TimeSpan PublicStreamLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Idle time of a connection before the server sends an HTTP/2 PING. Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time a PING may stay unanswered before the server closes the connection. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Total size of a request's headers (metadata), in bytes. Default 16 KiB.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Every problem of the limits (empty when valid); each names its configuration key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Positive(long value, string name, long max)
        {
            if (value < 1 || value > max)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{name} must be within 1..{max} (got {value})"));
            }
        }

        void Duration(TimeSpan value, string name, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{name} must be within {min:c}..{max:c} (got {value:c})"));
            }
        }

        Positive(MaxMessageBytes, nameof(MaxMessageBytes), int.MaxValue);
        Positive(MaxSendMessageBytes, nameof(MaxSendMessageBytes), int.MaxValue);
        Positive(MaxStreamBytes, nameof(MaxStreamBytes), long.MaxValue);
        Positive(MaxStreamMessages, nameof(MaxStreamMessages), int.MaxValue);
        Positive(MaxConnections, nameof(MaxConnections), int.MaxValue);
        Positive(MaxConnectionsPerClient, nameof(MaxConnectionsPerClient), int.MaxValue);
        Positive(MaxStreamsPerConnection, nameof(MaxStreamsPerConnection), int.MaxValue);
        Positive(MaxStreamsPerToken, nameof(MaxStreamsPerToken), int.MaxValue);
        Positive(MaxPublicStreamsPerClient, nameof(MaxPublicStreamsPerClient), int.MaxValue);
        // Kestrel needs room for the request line and pseudo-headers; below 1 KiB no call gets through.
        Positive(MaxRequestHeaderBytes, nameof(MaxRequestHeaderBytes), int.MaxValue);
        if (MaxRequestHeaderBytes is > 0 and < 1024)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{nameof(MaxRequestHeaderBytes)} must be at least 1024 (got {MaxRequestHeaderBytes})"));
        }

        if (MaxStreamBytes > 0 && MaxMessageBytes > MaxStreamBytes)
        {
            problems.Add($"{SectionName}:{nameof(MaxMessageBytes)} must not exceed {nameof(MaxStreamBytes)}");
        }

        if (MaxConnectionsPerClient > MaxConnections)
        {
            problems.Add($"{SectionName}:{nameof(MaxConnectionsPerClient)} must not exceed {nameof(MaxConnections)}");
        }

        var day = TimeSpan.FromDays(1);
        Duration(StreamIdleTimeout, nameof(StreamIdleTimeout), TimeSpan.FromMilliseconds(100), day);
        Duration(MaxStreamDuration, nameof(MaxStreamDuration), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        Duration(PublicStreamLifetime, nameof(PublicStreamLifetime), TimeSpan.FromSeconds(1), day);
        // Kestrel's own bounds: the delay is at least 1 s; TimeSpan.MaxValue (infinite) is not allowed here.
        Duration(KeepAlivePingDelay, nameof(KeepAlivePingDelay), TimeSpan.FromSeconds(1), day);
        Duration(KeepAlivePingTimeout, nameof(KeepAlivePingTimeout), TimeSpan.FromSeconds(1), day);
        return problems;
    }
}
