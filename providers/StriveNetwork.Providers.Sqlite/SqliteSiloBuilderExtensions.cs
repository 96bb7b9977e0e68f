using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Serialization.Serializers;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>Registers the SQLite grain storage and reminder table on a silo, the way Orleans registers its own providers.</summary>
public static class SqliteSiloBuilderExtensions
{
    /// <summary>
    /// Adds SQLite grain storage named <paramref name="name"/> (the name grains give to <c>[PersistentState]</c>). It
    /// opens the file and applies the schema at <see cref="SqliteGrainStorageOptions.InitStage"/>; a file that cannot be
    /// opened fails the silo start. Options are validated at start.
    /// </summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>Adds SQLite grain storage as the default provider (grains that name no provider).</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configureOptions) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds SQLite grain storage named <paramref name="name"/> to a silo's services.</summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<SqliteGrainStorageOptions> configureOptions) =>
        ProviderRegistration.AddGrainStorage(
            services,
            name,
            configureOptions,
            (options, key) => new SqliteGrainStorageOptionsValidator(options, key),
            (sp, key, options) => new SqliteGrainStorage(
                key, options, sp.GetRequiredService<IActivatorProvider>(), sp.GetRequiredService<ILogger<SqliteGrainStorage>>(), sp.GetService<TimeProvider>()));

    /// <summary>
    /// Stores reminders in a SQLite file (it may be the grain storage's file) and enables reminders. The table is opened
    /// at the application-services stage; a file that cannot be opened fails the silo start. Options are validated at start.
    /// </summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteReminderTableOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        builder.Services.UseSqliteReminderService(configureOptions);
        return builder;
    }

    /// <summary>Registers the SQLite reminder table in a silo's services (reminders themselves are enabled by the silo builder overload).</summary>
    public static IServiceCollection UseSqliteReminderService(this IServiceCollection services, Action<SqliteReminderTableOptions> configureOptions) =>
        ProviderRegistration.AddReminderTable(
            services,
            configureOptions,
            options => new SqliteReminderTableOptionsValidator(options),
            (sp, serviceId, options) => new SqliteReminderTable(serviceId, options, sp.GetRequiredService<ILogger<SqliteReminderTable>>(), sp.GetService<TimeProvider>()));
}
