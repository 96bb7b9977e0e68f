using Microsoft.Extensions.Options;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Validates <see cref="PostgresReminderTableOptions"/> when the silo starts.</summary>
public sealed class PostgresReminderTableOptionsValidator(IOptions<PostgresReminderTableOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var failures = PostgresOptionsRules.Check(options.Value, nameof(PostgresReminderTableOptions), "the reminder table");
        if (failures.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join(" ", failures));
        }
    }
}
