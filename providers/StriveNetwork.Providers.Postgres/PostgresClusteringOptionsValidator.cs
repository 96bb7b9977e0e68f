using Microsoft.Extensions.Options;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Validates <see cref="PostgresClusteringOptions"/> when the silo starts.</summary>
public sealed class PostgresClusteringOptionsValidator(IOptions<PostgresClusteringOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var failures = PostgresOptionsRules.Check(options.Value, nameof(PostgresClusteringOptions), "the membership table");
        if (failures.Count > 0)
        {
            throw new OrleansConfigurationException(string.Join(" ", failures));
        }
    }
}
