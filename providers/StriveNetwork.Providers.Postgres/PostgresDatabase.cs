using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// One schema in one PostgreSQL database as a provider uses it: the data source (owned when built from a connection
/// string), the quoted schema name for SQL text, and the schema scripts, applied once under an advisory lock so that
/// silos starting together apply each script once.
/// </summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private static readonly IReadOnlyList<SchemaScript> Scripts = SchemaScript.Load(typeof(PostgresDatabase).Assembly);

    private readonly bool _ownsDataSource;
    private readonly AsyncOnce _open;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly long _migrationLockKey;

    public PostgresDatabase(PostgresStoreOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _ownsDataSource = options.DataSource is null;
        DataSource = options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString!);
        Schema = options.Schema;
        QuotedSchema = $"\"{options.Schema}\"";
        Location = DescribeLocation(DataSource.ConnectionString, options.Schema);
        _logger = logger;
        _timeProvider = timeProvider;
        // The old runtime's key, so an old and a new silo starting together still serialize their migrations.
        _migrationLockKey = LockKey("strive.migrate." + options.Schema);
        _open = new AsyncOnce(MigrateAsync);
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>The schema name quoted for SQL text (validated against a safe pattern by the options rules).</summary>
    public string QuotedSchema { get; }

    /// <summary>Host, port, database, user and schema, for messages; never the password.</summary>
    public string Location { get; }

    /// <summary>Creates the schema when missing and applies the scripts it lacks (once).</summary>
    public Task OpenAsync(CancellationToken cancellationToken) => _open.RunAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_ownsDataSource)
        {
            DataSource.Dispose();
        }
    }

    /// <summary>A stable 64-bit advisory-lock key for a name (FNV-1a); a collision only costs extra serialization.</summary>
    private static long LockKey(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static string DescribeLocation(string connectionString, string schema)
    {
        // Only the fields that locate the store: whatever else the string holds (a password above all) stays out.
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host {parsed.Host ?? "(default)"}, port {parsed.Port}, database {parsed.Database ?? "(default)"}, " +
            $"user {parsed.Username ?? "(default)"}, schema {schema}";
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Two silos starting at once: the second waits here, then finds the scripts applied. The lock is taken
                // before the schema is created, since creating it is not itself safe against a concurrent create.
                using (var prepare = connection.CreateCommand())
                {
                    prepare.CommandText =
                        "SELECT pg_advisory_xact_lock(@lock); " +
                        // Create only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
                        // schema exists, which an operator-provisioned schema and a least-privilege role do not have.
                        $"DO $$ BEGIN IF to_regnamespace('{QuotedSchema}') IS NULL THEN CREATE SCHEMA {QuotedSchema}; END IF; END $$; " +
                        $"SET LOCAL search_path TO {QuotedSchema};";
                    prepare.Parameters.AddWithValue("lock", _migrationLockKey);
                    await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var runner = new PostgresSchemaRunner(connection, $"PostgreSQL schema {Schema} ({Location})", _timeProvider);
                var applied = await SchemaMigration.ApplyAsync(runner, Scripts, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                foreach (var script in applied)
                {
                    LogSchemaApplied(Schema, script.Version, script.Name);
                }
            }
        }

        LogOpened(Location, Scripts[^1].Version);
    }

    [LoggerMessage(EventId = 7100, EventName = "PostgresSchemaApplied", Level = LogLevel.Information,
        Message = "Applied schema script {Version} ({Name}) to PostgreSQL schema {Schema}")]
    private partial void LogSchemaApplied(string schema, int version, string name);

    [LoggerMessage(EventId = 7101, EventName = "PostgresOpened", Level = LogLevel.Information,
        Message = "Opened PostgreSQL store ({Location}) at schema version {SchemaVersion}")]
    private partial void LogOpened(string location, int schemaVersion);
}
