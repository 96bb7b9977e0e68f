namespace StriveNetwork.Providers.Sqlite;

/// <summary>Options of <see cref="SqliteReminderTable"/>. The file may be the grain storage's file.</summary>
public sealed class SqliteReminderTableOptions : SqliteStoreOptions
{
}
