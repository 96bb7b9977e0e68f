namespace StriveNetwork.Providers.Postgres;

/// <summary>Validates a named <see cref="PostgresGrainStorageOptions"/> when the silo starts.</summary>
public sealed class PostgresGrainStorageOptionsValidator(PostgresGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var failures = PostgresOptionsRules.Check(options, nameof(PostgresGrainStorageOptions), $"grain storage '{name}'");
        if (failures.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join(" ", failures));
        }
    }
}
