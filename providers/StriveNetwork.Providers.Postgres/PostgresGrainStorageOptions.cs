using Orleans.Storage;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Options of <see cref="PostgresGrainStorage"/> (named by provider name).</summary>
public sealed class PostgresGrainStorageOptions : PostgresStoreOptions, IStorageProviderSerializerOptions
{
    /// <summary>
    /// Turns state into JSON and back. Default: <see cref="StateJsonSerializer.Default"/> (System.Text.Json, web
    /// defaults, as the old runtime wrote). Another serializer must also produce JSON: the column holds JSON text.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = StateJsonSerializer.Default;

    /// <summary>The silo lifecycle stage at which the schema is created or upgraded. Default: application services.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}
