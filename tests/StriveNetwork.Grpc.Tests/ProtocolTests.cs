using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Tests;

public sealed class ProtocolTests
{
    [Theory]
    [InlineData("1H", 3600_000_000_0L)]
    [InlineData("2M", 1200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("900n", 9L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Timeout_AllUnits_Parse(string value, long ticks)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1x")]
    [InlineData("1 S")]
    public void Timeout_Malformed_IsRejected(string value) => Assert.False(GrpcProtocol.TryParseTimeout(value, out _));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("APPLICATION/GRPC", true)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void ContentType_Rules(string? value, bool expected) => Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(value));

    [Theory]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("100%", "100%25")]
    [InlineData("\t\n", "%09%0A")]
    [InlineData("☺", "%E2%98%BA")]
    [InlineData("😈", "%F0%9F%98%88")]
    public void PercentEncoding_FollowsSpec(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcProtocol.PercentEncode(message));
        Assert.Equal(message, GrpcProtocol.PercentDecode(encoded));
    }

    [Fact]
    public void PercentDecode_MalformedEscapes_PassThrough() => Assert.Equal("50%zz%4", GrpcProtocol.PercentDecode("50%zz%4"));

    [Fact]
    public void FormatTimeout_RoundsUpToMilliseconds() => Assert.Equal("2m", GrpcProtocol.FormatTimeout(TimeSpan.FromTicks(10_001)));
}
