using System.Globalization;
using System.Text;

namespace StriveNetwork.Grpc.Protocol;

/// <summary>Header-level protocol rules: names, timeouts, content type, percent-encoding, base64 metadata.</summary>
public static class GrpcProtocol
{
    /// <summary>The gRPC content type.</summary>
    public const string ContentType = "application/grpc";
    /// <summary>Header carrying the status code.</summary>
    public const string StatusHeader = "grpc-status";
    /// <summary>Header carrying the percent-encoded status message.</summary>
    public const string MessageHeader = "grpc-message";
    /// <summary>Header carrying the timeout.</summary>
    public const string TimeoutHeader = "grpc-timeout";
    /// <summary>Header naming the message encoding.</summary>
    public const string EncodingHeader = "grpc-encoding";
    /// <summary>Header listing accepted message encodings.</summary>
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    /// <summary>Largest deadline honoured (as grpc-dotnet: 99,999,999 seconds).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(99_999_999);

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "host", "user-agent", "accept-encoding", "content-encoding", "content-length",
        TimeoutHeader, EncodingHeader, AcceptEncodingHeader, "grpc-message-type",
    };

    /// <summary>Whether a request header is transport-level and therefore hidden from application metadata.</summary>
    public static bool IsReservedHeader(string name) => name.Length == 0 || name[0] == ':' || ReservedHeaders.Contains(name);

    /// <summary>Whether <paramref name="contentType"/> is application/grpc, application/grpc+x or application/grpc;x.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    /// <summary>Parses a grpc-timeout value (1-8 digits plus H, M, S, m, u or n). Returns false if malformed.</summary>
    public static bool TryParseTimeout(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => amount / 100,
            _ => -1,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(Math.Min(ticks, MaxTimeout.Ticks));
        return true;
    }

    /// <summary>Formats a timeout for the grpc-timeout header (milliseconds, rounded up, at most 8 digits).</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        var ms = (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        if (ms < 100_000_000)
        {
            return ms.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = Math.Min((long)Math.Ceiling(timeout.TotalSeconds), 99_999_999);
        return seconds.ToString(CultureInfo.InvariantCulture) + "S";
    }

    /// <summary>Percent-encodes a status message: UTF-8, then every byte outside 0x20-0x7E and '%' as %XX.</summary>
    public static string PercentEncode(string message)
    {
        var needs = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes a percent-encoded status message; malformed escapes pass through unchanged.</summary>
    public static string PercentDecode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Decodes base64 metadata, padded or unpadded.</summary>
    public static byte[] DecodeBase64(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding is 1 or 2)
        {
            trimmed += new string('=', padding);
        }
        else if (padding == 3)
        {
            throw new FormatException("Invalid base64 metadata length.");
        }

        return Convert.FromBase64String(trimmed);
    }

    /// <summary>Encodes binary metadata as unpadded base64.</summary>
    public static string EncodeBase64(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');
}
