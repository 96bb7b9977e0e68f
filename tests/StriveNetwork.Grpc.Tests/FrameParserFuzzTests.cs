using System.Buffers;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Tests;

/// <summary>Arbitrary bytes, split at arbitrary boundaries, never break the frame parser.</summary>
public sealed class FrameParserFuzzTests
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private static ReadOnlySequence<byte> Split(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var cut = random.Next(1, data.Length + 1);
        var first = new Segment(data.AsMemory(0, cut), 0);
        var last = first;
        var offset = cut;
        while (offset < data.Length)
        {
            var size = random.Next(1, Math.Min(7, data.Length - offset) + 1);
            last = last.Append(data.AsMemory(offset, size));
            offset += size;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static List<string> ParseAll(ReadOnlySequence<byte> buffer, int max)
    {
        var outcomes = new List<string>();
        var guard = 0;
        try
        {
            while (GrpcFrameParser.TryRead(ref buffer, max, out var frame))
            {
                outcomes.Add($"{frame.Compressed}:{Convert.ToHexString(frame.Payload.ToArray())}");
                Assert.True(++guard <= 1000, "parser did not make progress");
            }

            outcomes.Add($"rest:{buffer.Length}");
        }
        catch (GrpcProtocolException ex)
        {
            outcomes.Add($"error:{ex.StatusCode}");
        }

        return outcomes;
    }

    [Fact]
    public void RandomBytes_SplitAnywhere_ParseLikeContiguousAndOnlyThrowProtocolErrors()
    {
        var random = new Random(20261123);
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var data = new byte[random.Next(0, 80)];
            random.NextBytes(data);
            if (iteration % 2 == 0)
            {
                // Bias half the cases toward plausible prefixes so frames actually complete.
                for (var i = 0; i + 5 <= data.Length; i += 5 + (data[i + 4] % 8))
                {
                    data[i] = (byte)(data[i] % 3);
                    data[i + 1] = data[i + 2] = data[i + 3] = 0;
                    data[i + 4] %= 8;
                }
            }

            var max = random.Next(0, 40);
            var contiguous = ParseAll(new ReadOnlySequence<byte>(data), max);
            var split = ParseAll(Split(data, random), max);
            Assert.Equal(contiguous, split);
        }
    }

    [Fact]
    public void LengthAboveLimit_IsResourceExhausted_AndBadFlagIsInternal()
    {
        var tooLong = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 1, 0 });
        Assert.Equal(StatusCode.ResourceExhausted, Assert.Throws<GrpcProtocolException>(() => GrpcFrameParser.TryRead(ref tooLong, 255, out _)).StatusCode);
        var badFlag = new ReadOnlySequence<byte>(new byte[] { 2, 0, 0, 0, 0 });
        Assert.Equal(StatusCode.Internal, Assert.Throws<GrpcProtocolException>(() => GrpcFrameParser.TryRead(ref badFlag, 255, out _)).StatusCode);
    }
}
