namespace StriveNetwork.Import.Tables;

/// <summary>The file cannot be read as a table at all (not a workbook, a row too wide, a cell too long): nothing of it is imported.</summary>
public sealed class TableFormatException : Exception
{
    public TableFormatException()
    {
    }

    public TableFormatException(string message)
        : base(message)
    {
    }

    public TableFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
