using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Grains;

/// <summary>Network-wide small-cell suppression settings used by every indicator computation.</summary>
public sealed class SuppressionSettings
{
    /// <summary>Minimum denominator (and count meeting / not meeting) of a shown cell. Default 10.</summary>
    [Range(1, 1000)]
    public int MinimumN { get; set; } = 10;

    /// <summary>The domain options these settings stand for.</summary>
    public SuppressionOptions ToOptions() => new() { MinimumN = MinimumN };
}

/// <summary>Registers what the StriveNetwork grains need from DI.</summary>
public static class GrainServiceCollectionExtensions
{
    /// <summary>Adds <see cref="SuppressionSettings"/> (validated on start) and a system <see cref="TimeProvider"/> when none is registered.</summary>
    public static IServiceCollection AddStriveGrains(this IServiceCollection services, Action<SuppressionSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SuppressionSettings>()
            .Configure(o => configure?.Invoke(o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
