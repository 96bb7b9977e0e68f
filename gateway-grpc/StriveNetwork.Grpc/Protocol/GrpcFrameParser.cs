using System.Buffers;
using System.Buffers.Binary;

namespace StriveNetwork.Grpc.Protocol;

/// <summary>One length-prefixed message sliced out of a buffer (no copy).</summary>
public readonly record struct GrpcFrame(bool Compressed, ReadOnlySequence<byte> Payload);

/// <summary>
/// Parses gRPC Length-Prefixed-Messages (1-byte compressed flag, 4-byte big-endian length, payload) from a
/// <see cref="ReadOnlySequence{T}"/> that may span segments and DATA frames in any way.
/// </summary>
public static class GrpcFrameParser
{
    /// <summary>Size of the prefix before each message.</summary>
    public const int HeaderSize = 5;

    /// <summary>
    /// Tries to take one complete message from the start of <paramref name="buffer"/>. On success the buffer is
    /// advanced past it. Returns false (buffer untouched) when more bytes are needed.
    /// </summary>
    /// <exception cref="GrpcProtocolException">The prefix is invalid or the length exceeds <paramref name="maxMessageSize"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out GrpcFrame frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1)
        {
            throw new GrpcProtocolException(StatusCode.Internal, "Invalid compressed flag in message prefix.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            throw new GrpcProtocolException(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize}).");
        }

        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }

        frame = new GrpcFrame(flag == 1, buffer.Slice(HeaderSize, length));
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>Writes the 5-byte prefix for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }
}
