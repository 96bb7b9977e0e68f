using Orleans.Storage;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>Options of <see cref="SqliteGrainStorage"/> (named by provider name).</summary>
public sealed class SqliteGrainStorageOptions : SqliteStoreOptions, IStorageProviderSerializerOptions
{
    /// <summary>
    /// Turns state into JSON and back. Default: <see cref="StateJsonSerializer.Default"/> (System.Text.Json, web
    /// defaults, as the old runtime wrote). Another serializer must also produce JSON text.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = StateJsonSerializer.Default;

    /// <summary>The silo lifecycle stage at which the file is opened and its schema applied. Default: application services.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}
