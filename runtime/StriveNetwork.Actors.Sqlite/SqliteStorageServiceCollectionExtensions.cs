using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite;

/// <summary>Registers the SQLite provider.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteGrainStorage"/> as <see cref="IGrainStorage"/> and <see cref="IStreamLog"/> (one
    /// instance, so a state write and its events share the transaction). Options are validated at start.
    /// </summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SqliteGrainStorageOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteGrainStorageOptions>, SqliteGrainStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteGrainStorage(
            sp.GetRequiredService<IOptions<SqliteGrainStorageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SqliteGrainStorage>>()));
        services.TryAddSingleton<IGrainStorage>(sp => sp.GetRequiredService<SqliteGrainStorage>());
        services.TryAddSingleton<IStreamLog>(sp => sp.GetRequiredService<SqliteGrainStorage>());
        return services;
    }
}
