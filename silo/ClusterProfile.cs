namespace StriveNetwork.Silo;

/// <summary>
/// A complete set of Orleans providers, chosen by the storage setting: where grain state, reminders and cluster
/// membership live.
/// </summary>
public enum ClusterProfile
{
    /// <summary>One silo on one machine: SQLite, localhost clustering, and a lock that refuses a second silo on the store.</summary>
    Embedded,

    /// <summary>Silos that form a cluster through PostgreSQL: grain state, reminders and the membership table.</summary>
    Postgres,

    /// <summary>Silos that form a cluster through Azure Storage: blob grain state, table reminders and the table membership.</summary>
    Azure,
}
