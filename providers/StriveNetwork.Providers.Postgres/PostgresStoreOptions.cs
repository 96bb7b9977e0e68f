using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// The PostgreSQL database and schema; shared by <see cref="PostgresGrainStorageOptions"/> and
/// <see cref="PostgresReminderTableOptions"/>. Give exactly one of <see cref="ConnectionString"/> or <see cref="DataSource"/>.
/// </summary>
public abstract class PostgresStoreOptions
{
    /// <summary>Npgsql connection string; the provider then owns its data source (and pool). Never logged with its password.</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>A caller-owned data source (a shared pool), used instead of <see cref="ConnectionString"/> and not disposed by the provider.</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>The schema that holds the tables; created when missing. Lowercase letters, digits and '_' (at most 63). Default "strive".</summary>
    public string Schema { get; set; } = "strive";
}
