namespace StriveNetwork.Grains.Tests;

/// <summary>Which storage (and reminder table) a test cluster uses.</summary>
public enum StorageKind
{
    /// <summary>Orleans' memory storage and in-memory reminder service (kept in grains: lost with the silo hosting them).</summary>
    Memory,

    /// <summary>A storage and reminder table in the test process, shared by every silo (survive a silo kill).</summary>
    Shared,

    /// <summary>The project's SQLite provider: one temp file for states and reminders, shared by every silo.</summary>
    Sqlite,
}
