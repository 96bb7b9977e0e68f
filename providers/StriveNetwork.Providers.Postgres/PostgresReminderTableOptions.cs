namespace StriveNetwork.Providers.Postgres;

/// <summary>Options of <see cref="PostgresReminderTable"/>. The schema may be the grain storage's schema.</summary>
public sealed class PostgresReminderTableOptions : PostgresStoreOptions
{
}
