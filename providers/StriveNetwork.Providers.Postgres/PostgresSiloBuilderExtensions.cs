using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization.Serializers;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Registers the PostgreSQL grain storage, reminder table and membership table on a silo, the way Orleans registers its own providers.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>
    /// Adds PostgreSQL grain storage named <paramref name="name"/> (the name grains give to <c>[PersistentState]</c>). It
    /// creates or upgrades its schema at <see cref="PostgresGrainStorageOptions.InitStage"/>; a database that cannot be
    /// reached fails the silo start with a message naming host, port and database. Options are validated at start.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgresGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>Adds PostgreSQL grain storage as the default provider (grains that name no provider).</summary>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresGrainStorageOptions> configureOptions) =>
        builder.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds PostgreSQL grain storage named <paramref name="name"/> to a silo's services.</summary>
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string name, Action<PostgresGrainStorageOptions> configureOptions) =>
        ProviderRegistration.AddGrainStorage(
            services,
            name,
            configureOptions,
            (options, key) => new PostgresGrainStorageOptionsValidator(options, key),
            (sp, key, options) => new PostgresGrainStorage(
                key, options, sp.GetRequiredService<IActivatorProvider>(), sp.GetRequiredService<ILogger<PostgresGrainStorage>>(), sp.GetService<TimeProvider>()));

    /// <summary>
    /// Stores reminders in PostgreSQL (the schema may be the grain storage's schema) and enables reminders. The schema is
    /// created or upgraded at the application-services stage; a database that cannot be reached fails the silo start.
    /// Options are validated at start.
    /// </summary>
    public static ISiloBuilder UsePostgresReminderService(this ISiloBuilder builder, Action<PostgresReminderTableOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        builder.Services.UsePostgresReminderService(configureOptions);
        return builder;
    }

    /// <summary>Registers the PostgreSQL reminder table in a silo's services (reminders themselves are enabled by the silo builder overload).</summary>
    public static IServiceCollection UsePostgresReminderService(this IServiceCollection services, Action<PostgresReminderTableOptions> configureOptions) =>
        ProviderRegistration.AddReminderTable(
            services,
            configureOptions,
            options => new PostgresReminderTableOptionsValidator(options),
            (sp, serviceId, options) => new PostgresReminderTable(serviceId, options, sp.GetRequiredService<ILogger<PostgresReminderTable>>(), sp.GetService<TimeProvider>()));

    /// <summary>
    /// Clusters the silo through the PostgreSQL membership table (<see cref="PostgresMembershipTable"/>) for the cluster
    /// id of <c>ClusterOptions</c>: every silo of the cluster must name the same database and schema (which may be the
    /// grain storage's). Orleans creates or upgrades the schema when it initializes the table, and a database that cannot
    /// be reached fails the silo start with a message naming host, port and database. Options are validated at start.
    /// </summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, Action<PostgresClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.UsePostgresClustering(configureOptions);
        return builder;
    }

    /// <summary>Registers the PostgreSQL membership table as the silo's <see cref="IMembershipTable"/>.</summary>
    public static IServiceCollection UsePostgresClustering(this IServiceCollection services, Action<PostgresClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.AddOptions<PostgresClusteringOptions>().Configure(configureOptions);
        services.AddSingleton<IConfigurationValidator>(sp => new PostgresClusteringOptionsValidator(sp.GetRequiredService<IOptions<PostgresClusteringOptions>>()));
        services.ConfigureFormatter<PostgresClusteringOptions>();
        services.AddSingleton(sp =>
        {
            // Validated here too: Orleans may build the table before it runs the configuration validators.
            var options = sp.GetRequiredService<IOptions<PostgresClusteringOptions>>();
            new PostgresClusteringOptionsValidator(options).ValidateConfiguration();
            return new PostgresMembershipTable(
                sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
                options.Value,
                sp.GetRequiredService<ILogger<PostgresMembershipTable>>(),
                sp.GetService<TimeProvider>());
        });
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<PostgresMembershipTable>());
        return services;
    }
}
