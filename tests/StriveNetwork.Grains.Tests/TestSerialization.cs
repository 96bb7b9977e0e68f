using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Orleans' serializer and deep copier outside any silo, for the types of the grains, their messages and these tests.</summary>
public static class TestSerialization
{
    private static readonly Lazy<ServiceProvider> Shared = new(CreateServices);

    /// <summary>A serializer shared by the test process (thread-safe).</summary>
    public static Serializer Serializer => Shared.Value.GetRequiredService<Serializer>();

    /// <summary>A service provider with Orleans serialization for the grain assemblies.</summary>
    public static ServiceProvider CreateServices() => new ServiceCollection()
        .AddSerializer(b => b
            .AddAssembly(typeof(IPartnershipGrain).Assembly)
            .AddAssembly(typeof(PartnershipGrain).Assembly)
            .AddAssembly(typeof(TestSerialization).Assembly))
        .BuildServiceProvider();
}
