using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StriveNetwork.Silo.Hosting;
using StriveNetwork.Silo.Memory;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// Strive:GrainDirectory:CacheSize is the size Orleans allocates its directory cache for: bounded by default, taken
/// from configuration, refused out of range (the process test of a bad value is in <see cref="SiloLimitsTests"/>).
/// </summary>
public sealed class GrainDirectoryCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Default_BoundsOrleansCacheTo100000Entries()
    {
        Assert.Equal(100_000, DirectoryOptions(null).CacheSize);
        Assert.True(new GrainDirectoryOptions().CacheSize > 100_000, "Orleans' own default is what the bound replaces");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1234")]
    [InlineData("1000000")]
    public void Configured_IsTheSizeOrleansUses(string size) =>
        Assert.Equal(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), DirectoryOptions(size).CacheSize);

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public void OutOfRange_IsAProblemNamingTheKey(int size)
    {
        var problem = Assert.Single(new GrainDirectoryCacheOptions { CacheSize = size }.Validate());
        Assert.Equal($"Strive:GrainDirectory:CacheSize must be within 0..1000000 (got {size})", problem);
    }

    // The options of a silo host configured as the silo configures it; the host is built, never started.
    private GrainDirectoryOptions DirectoryOptions(string? cacheSize)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (cacheSize is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Strive:GrainDirectory:CacheSize"] = cacheSize });
        }

        var options = new SiloOptions { DataDir = _dir.Sub("data") };
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, dashboard: false));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
    }
}
