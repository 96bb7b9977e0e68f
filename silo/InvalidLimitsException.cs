namespace StriveNetwork.Silo;

/// <summary>The <c>Strive:Limits</c> configuration cannot be used; the message lists every problem by key.</summary>
public sealed class InvalidLimitsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidLimitsException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidLimitsException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidLimitsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception listing <paramref name="problems"/>.</summary>
    public InvalidLimitsException(IReadOnlyList<string> problems)
        : base("invalid limits: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem, each naming its configuration key.</summary>
    public IReadOnlyList<string> Problems { get; }
}
