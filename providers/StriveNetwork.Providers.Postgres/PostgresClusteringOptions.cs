namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// Options of <see cref="PostgresMembershipTable"/>. The cluster id is <c>ClusterOptions.ClusterId</c>; the schema may
/// be the grain storage's schema, and every silo of a cluster must name the same database and schema.
/// </summary>
public sealed class PostgresClusteringOptions : PostgresStoreOptions
{
}
