using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace StriveNetwork.Providers;

/// <summary>
/// How every store of this project registers its grain storage and reminder table, the way Orleans registers its own
/// providers: named options validated at start (and again when the provider is built, because the silo builds its
/// lifecycle participants before it runs the configuration validators), a keyed <see cref="IGrainStorage"/> with the
/// default alias, and the reminder table as <see cref="IReminderTable"/> and lifecycle participant.
/// </summary>
internal static class ProviderRegistration
{
    /// <summary>Registers grain storage <paramref name="name"/> built by <paramref name="create"/> from its validated options.</summary>
    /// <remarks>
    /// <typeparamref name="TStorage"/> must be the concrete type: Orleans' <c>AddGrainStorage</c> registers the storage
    /// as a lifecycle participant (schema at start) only when the type it sees implements it.
    /// </remarks>
    public static IServiceCollection AddGrainStorage<TOptions, TStorage>(
        IServiceCollection services,
        string name,
        Action<TOptions> configureOptions,
        Func<TOptions, string, IConfigurationValidator> validator,
        Func<IServiceProvider, string, TOptions, TStorage> create)
        where TOptions : class
        where TStorage : class, IGrainStorage
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.AddOptions<TOptions>(name).Configure(configureOptions);
        services.AddTransient(sp => validator(sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<TOptions>(name);
        services.AddGrainStorage(name, (sp, key) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(key);
            validator(options, key).ValidateConfiguration();
            return create(sp, key, options);
        });
        return services;
    }

    /// <summary>Registers the reminder table built by <paramref name="create"/> from its validated options.</summary>
    public static IServiceCollection AddReminderTable<TOptions, TTable>(
        IServiceCollection services,
        Action<TOptions> configureOptions,
        Func<IOptions<TOptions>, IConfigurationValidator> validator,
        Func<IServiceProvider, string, TOptions, TTable> create)
        where TOptions : class, new()
        where TTable : class, IReminderTable, ILifecycleParticipant<ISiloLifecycle>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.AddOptions<TOptions>().Configure(configureOptions);
        services.AddSingleton(sp => validator(sp.GetRequiredService<IOptions<TOptions>>()));
        services.ConfigureFormatter<TOptions>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TOptions>>();
            validator(options).ValidateConfiguration();
            return create(sp, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, options.Value);
        });
        services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<TTable>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TTable>());
        return services;
    }
}
