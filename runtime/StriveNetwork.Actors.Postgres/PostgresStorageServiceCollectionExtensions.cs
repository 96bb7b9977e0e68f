using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Postgres;

/// <summary>Registers the PostgreSQL provider.</summary>
public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresGrainStorage"/> as <see cref="IGrainStorage"/> and <see cref="IStreamLog"/> (one
    /// instance, so a state write and its events share the transaction). Options are validated at start.
    /// </summary>
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, Action<PostgresGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresGrainStorageOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresGrainStorageOptions>, PostgresGrainStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PostgresGrainStorage(
            sp.GetRequiredService<IOptions<PostgresGrainStorageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PostgresGrainStorage>>()));
        services.TryAddSingleton<IGrainStorage>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.TryAddSingleton<IStreamLog>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        return services;
    }
}
