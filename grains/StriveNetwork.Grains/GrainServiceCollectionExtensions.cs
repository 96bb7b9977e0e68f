using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Grains.Requests;

namespace StriveNetwork.Grains;

/// <summary>Registers what the StriveNetwork grains need from DI.</summary>
public static class GrainServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SuppressionSettings"/>, <see cref="OutboxOptions"/>, <see cref="PartnershipLimits"/> and
    /// <see cref="RequestLogOptions"/> (validated on start; configure the limits with
    /// <c>services.Configure&lt;PartnershipLimits&gt;</c>, the request log with <c>services.Configure&lt;RequestLogOptions&gt;</c>),
    /// the <see cref="RequestRecorder"/> of the grains' duplicate suppression, a system
    /// <see cref="TimeProvider"/> when none is registered, the <see cref="OutboxMetrics"/>, and Orleans' own serializer as the default grain storage
    /// serializer.
    /// </summary>
    /// <remarks>
    /// The states hold collections built by collection expressions (compiler-generated types such as
    /// <c>&lt;&gt;z__ReadOnlyList&lt;T&gt;</c>). Orleans' default storage serializer (JSON with type names and a type
    /// allow-list) writes them but refuses to read them back, so a stock provider that takes the default (memory, ADO.NET,
    /// Azure) would fail every reactivation. The states are <c>[GenerateSerializer]</c> types, made for Orleans' serializer.
    /// Providers with a serializer of their own (the SQLite and PostgreSQL ones) are unaffected.
    /// </remarks>
    public static IServiceCollection AddStriveGrains(this IServiceCollection services, Action<SuppressionSettings>? configure = null, Action<OutboxOptions>? outbox = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SuppressionSettings>()
            .Configure(o => configure?.Invoke(o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>()
            .Configure(o => outbox?.Invoke(o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidation>());
        services.AddOptions<PartnershipLimits>()
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RequestLogOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestLogOptions>, RequestLogOptionsValidation>());
        services.TryAddSingleton<RequestRecorder>();
        services.TryAddSingleton(TimeProvider.System);

        // The outbox's counters; instruments cost nothing until a listener (the silo's exporters) subscribes.
        services.AddMetrics();
        services.TryAddSingleton<OutboxMetrics>();
        services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return services;
    }
}
