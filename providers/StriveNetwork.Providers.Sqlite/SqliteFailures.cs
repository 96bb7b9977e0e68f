using Microsoft.Data.Sqlite;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>Which SQLite errors mean "full" and which "unavailable".</summary>
internal static class SqliteFailures
{
    // Primary result codes (https://sqlite.org/rescode.html).
    private const int Perm = 3;
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IOErr = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int Auth = 23;
    private const int NotADb = 26;

    public static StoreFailureKind Classify(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            Full => StoreFailureKind.Full,
            Perm or Busy or Locked or ReadOnly or IOErr or Corrupt or CantOpen or Protocol or Auth or NotADb => StoreFailureKind.Unavailable,
            _ => StoreFailureKind.Error,
        },
        // Creating the folder or the file failed (permissions, a path through a file, a read-only mount).
        IOException or UnauthorizedAccessException => StoreFailureKind.Unavailable,
        _ => StoreFailureKind.None,
    };
}
