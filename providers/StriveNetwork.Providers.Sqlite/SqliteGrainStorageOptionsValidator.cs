namespace StriveNetwork.Providers.Sqlite;

/// <summary>Validates a named <see cref="SqliteGrainStorageOptions"/> when the silo starts.</summary>
public sealed class SqliteGrainStorageOptionsValidator(SqliteGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var failures = SqliteOptionsRules.Check(options, nameof(SqliteGrainStorageOptions), $"grain storage '{name}'");
        if (failures.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join(" ", failures));
        }
    }
}
