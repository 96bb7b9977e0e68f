using Microsoft.Extensions.Options;

namespace StriveNetwork.Grpc.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task InvalidOptions_FailAtStart()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(options: o => o.MaxReceiveMessageSize = 0));
        await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(options: o => o.ResponseCompressionAlgorithm = "brotli"));
    }

    [Fact]
    public void Metadata_KeysAreLowercased_AndBinaryKeysNeedBytes()
    {
        var metadata = new GrpcMetadata().Add("X-Trace", "abc").Add("blob-bin", [1, 2]);
        Assert.Equal("x-trace", metadata[0].Key);
        Assert.Equal("abc", metadata.GetValue("x-trace"));
        Assert.Equal([1, 2], metadata.GetBytes("BLOB-BIN"));
        Assert.Throws<ArgumentException>(() => metadata.Add("blob-bin", "text"));
        Assert.Throws<ArgumentException>(() => metadata.Add("plain", [1]));
    }
}
