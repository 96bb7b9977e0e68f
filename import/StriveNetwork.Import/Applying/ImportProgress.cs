namespace StriveNetwork.Import.Applying;

/// <summary>The phase an import is in.</summary>
public enum ImportPhase
{
    /// <summary>Reading every row and checking it; nothing is written.</summary>
    Checking = 1,

    /// <summary>Reading the file again and sending its rows to the service.</summary>
    Applying = 2,

    /// <summary>Done.</summary>
    Done = 3,
}

/// <summary>How far an import is: rows done in the phase, out of <paramref name="RowsTotal"/> when known (after checking).</summary>
public readonly record struct ImportProgress(ImportPhase Phase, long RowsDone, long? RowsTotal);
