using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Registers the PostgreSQL grain storage and reminder table on a silo, the way Orleans registers its own providers.</summary>
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
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string name, Action<PostgresGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.AddOptions<PostgresGrainStorageOptions>(name).Configure(configureOptions);
        services.AddTransient<IConfigurationValidator>(sp => new PostgresGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<PostgresGrainStorageOptions>(name);
        // Keyed IGrainStorage by name, the default alias for the default name, and the lifecycle participant.
        services.AddGrainStorage(name, (sp, key) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(key);
            // The silo builds its lifecycle participants before it runs the configuration validators: validate here
            // too, so a bad option fails the start the Orleans way whichever comes first.
            new PostgresGrainStorageOptionsValidator(options, key).ValidateConfiguration();
            return new PostgresGrainStorage(
                key, options, sp.GetRequiredService<IActivatorProvider>(), sp.GetRequiredService<ILogger<PostgresGrainStorage>>(), sp.GetService<TimeProvider>());
        });
        return services;
    }

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
    public static IServiceCollection UsePostgresReminderService(this IServiceCollection services, Action<PostgresReminderTableOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.AddOptions<PostgresReminderTableOptions>().Configure(configureOptions);
        services.AddSingleton<IConfigurationValidator, PostgresReminderTableOptionsValidator>();
        services.ConfigureFormatter<PostgresReminderTableOptions>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresReminderTableOptions>>();
            new PostgresReminderTableOptionsValidator(options).ValidateConfiguration();
            return new PostgresReminderTable(
                sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, options.Value, sp.GetRequiredService<ILogger<PostgresReminderTable>>(), sp.GetService<TimeProvider>());
        });
        services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<PostgresReminderTable>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PostgresReminderTable>());
        return services;
    }
}
