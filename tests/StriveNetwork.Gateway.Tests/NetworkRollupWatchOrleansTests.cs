using Microsoft.Extensions.Logging.Abstractions;
using StriveNetwork.Gateway.Watch;

namespace StriveNetwork.Gateway.Tests;

/// <summary>The watch against the real Orleans runtime of the gateway's silo: its observer reference is created and deleted as Orleans requires.</summary>
public sealed class NetworkRollupWatchOrleansTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task AWatch_StartsReadsAndEndsWithoutError()
    {
        var watch = await NetworkRollupWatch.StartAsync(fixture.Grains, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
        await using (var rollups = watch.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await rollups.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }

        // Orleans refuses to delete anything but the reference it created: a wrong argument fails here.
        await watch.DisposeAsync();
    }
}
