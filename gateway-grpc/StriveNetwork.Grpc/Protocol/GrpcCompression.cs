using System.Buffers;
using System.IO.Compression;

namespace StriveNetwork.Grpc.Protocol;

/// <summary>Per-message compression: gzip (RFC 1952) and identity.</summary>
public static class GrpcCompression
{
    /// <summary>The gzip encoding name.</summary>
    public const string Gzip = "gzip";
    /// <summary>The identity (no compression) encoding name.</summary>
    public const string Identity = "identity";
    /// <summary>Value of grpc-accept-encoding this layer advertises.</summary>
    public const string AcceptEncodingValue = "identity,gzip";

    /// <summary>Whether the encoding can be decoded here.</summary>
    public static bool IsSupported(string encoding) =>
        string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase) || string.Equals(encoding, Identity, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a comma-separated grpc-accept-encoding list contains <paramref name="encoding"/>.</summary>
    public static bool Accepts(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var range in acceptEncoding.AsSpan().Split(','))
        {
            if (acceptEncoding.AsSpan()[range].Trim().Equals(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Compresses one message with gzip.</summary>
    public static byte[] CompressGzip(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses one gzip message, refusing output above <paramref name="maxSize"/> bytes.</summary>
    /// <exception cref="GrpcProtocolException">INTERNAL for corrupt data, RESOURCE_EXHAUSTED above the limit.</exception>
    public static byte[] DecompressGzip(ReadOnlySequence<byte> payload, int maxSize)
    {
        try
        {
            using var input = new MemoryStream(payload.ToArray());
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (output.Length + read > maxSize)
                    {
                        throw new GrpcProtocolException(StatusCode.ResourceExhausted, "Decompressed message exceeds the maximum configured message size.");
                    }

                    output.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new GrpcProtocolException(StatusCode.Internal, "Failed to decompress message with gzip.");
        }
    }
}
