using Microsoft.Extensions.Options;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>Validates <see cref="SqliteReminderTableOptions"/> when the silo starts.</summary>
public sealed class SqliteReminderTableOptionsValidator(IOptions<SqliteReminderTableOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var failures = SqliteOptionsRules.Check(options.Value, nameof(SqliteReminderTableOptions), "the reminder table");
        if (failures.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join(" ", failures));
        }
    }
}
