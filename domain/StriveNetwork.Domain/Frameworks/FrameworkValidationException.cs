namespace StriveNetwork.Domain.Frameworks;

/// <summary>A framework data file is malformed; the message names the file, the item and the problem.</summary>
public sealed class FrameworkValidationException : Exception
{
    public FrameworkValidationException(string sourceName, string item, string problem, Exception? innerException = null)
        : base($"{sourceName}: {item}: {problem}", innerException)
    {
        SourceName = sourceName;
        Item = item;
        Problem = problem;
    }

    /// <summary>The file or resource that failed to load.</summary>
    public string SourceName { get; }

    /// <summary>The offending item, e.g. <c>benchmark '5G-EXP-SCV-1'</c>.</summary>
    public string Item { get; }

    /// <summary>What is wrong with the item.</summary>
    public string Problem { get; }
}
