using System.Net.Sockets;
using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Which PostgreSQL and Npgsql errors mean "full" and which "unavailable".</summary>
internal static class PostgresFailures
{
    public static StoreFailureKind Classify(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState switch
        {
            // Class 53, insufficient resources: disk_full is "full"; out of memory and too many connections are "unavailable".
            "53100" => StoreFailureKind.Full,
            "53000" or "53200" or "53300" => StoreFailureKind.Unavailable,
            // Class 08 connection exceptions, 57P0x shutdowns and "cannot connect now", and the login failures
            // (no such database, bad credentials) that keep a silo from reaching its store.
            { } state when state.StartsWith("08", StringComparison.Ordinal) => StoreFailureKind.Unavailable,
            "57P01" or "57P02" or "57P03" or "3D000" or "28000" or "28P01" => StoreFailureKind.Unavailable,
            _ => StoreFailureKind.Error,
        },
        // Npgsql's own errors: connection refused or lost, timeouts, an exhausted pool.
        NpgsqlException => StoreFailureKind.Unavailable,
        SocketException or TimeoutException => StoreFailureKind.Unavailable,
        _ => StoreFailureKind.None,
    };

    /// <summary>
    /// Whether a server error concerns the connection or the server rather than the statement (classes 08 connection,
    /// 53 insufficient resources, 57 operator intervention, 58 system error): running the statement again alone would
    /// not isolate it.
    /// </summary>
    public static bool IsConnectionOrServer(PostgresException exception) =>
        exception.SqlState.Length >= 2 && exception.SqlState[..2] is "08" or "53" or "57" or "58";
}
