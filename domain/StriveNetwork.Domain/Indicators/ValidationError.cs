namespace StriveNetwork.Domain.Indicators;

/// <summary>What is wrong with a piece of indicator input.</summary>
public enum ValidationErrorKind
{
    Required = 1,
    NumeratorExceedsDenominator = 2,
    NegativeCount = 3,
    ZeroDenominator = 4,
    UnknownPopulation = 5,
    UnknownGender = 6,
    UnknownOutcome = 7,
    YearOutOfRange = 8,
    DuplicateCell = 9,
    MissingValue = 10,
    RateOutOfRange = 11,
    UnknownTaxonomy = 12,
    InvalidVersion = 13,
    UnknownPolarity = 14,
    UnknownRole = 15,
}

/// <summary>
/// One specific problem with input, naming the offending field (e.g. <c>observations[3].Numerator</c>). Every
/// validator in this area returns a list of these; mutating APIs throw <see cref="IndicatorValidationException"/>
/// carrying the same list. Invalid input is never silently dropped.
/// </summary>
public sealed record ValidationError(string Field, ValidationErrorKind Kind, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when a definition or an observation batch is invalid; lists every error found.</summary>
public sealed class IndicatorValidationException : Exception
{
    public IndicatorValidationException(IReadOnlyList<ValidationError> errors)
        : base(Describe(errors)) => Errors = errors;

    public IndicatorValidationException()
        : this([])
    {
    }

    public IndicatorValidationException(string message)
        : base(message) => Errors = [];

    public IndicatorValidationException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    public IReadOnlyList<ValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<ValidationError> errors) =>
        errors is null || errors.Count == 0
            ? "Indicator input is invalid."
            : $"Indicator input is invalid ({errors.Count} error(s)): " + string.Join("; ", errors);
}
