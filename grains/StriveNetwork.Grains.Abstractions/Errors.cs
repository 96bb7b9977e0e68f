
namespace StriveNetwork.Grains.Abstractions;

/// <summary>Base of the domain errors grains throw; the gateway maps each subtype to one gRPC status.</summary>
[GenerateSerializer, Alias("strive.GrainDomainException")]
public abstract class GrainDomainException : Exception
{
    /// <summary>Creates the error with its client-safe message.</summary>
    protected GrainDomainException(string message)
        : base(message)
    {
    }
}

/// <summary>A request field is invalid (gRPC INVALID_ARGUMENT). <see cref="Field"/> names it, e.g. <c>assessments[2].benchmark_id</c>.</summary>
[GenerateSerializer, Alias("strive.GrainValidationException")]
public sealed class GrainValidationException : GrainDomainException
{
    /// <summary>Creates the error; the message reads "<paramref name="field"/>: <paramref name="message"/>".</summary>
    public GrainValidationException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
    }

    /// <summary>The field path the error is about.</summary>
    [Id(0)]
    public string Field { get; }

    /// <summary>Per-row errors when a batch was rejected as a whole (empty otherwise).</summary>
    [Id(1)]
    public IReadOnlyList<RowError> Rows { get; init; } = [];
}

/// <summary>The addressed partnership, indicator, cohort, framework or token does not exist (gRPC NOT_FOUND).</summary>
[GenerateSerializer, Alias("strive.NotFoundException")]
public sealed class NotFoundException(string message) : GrainDomainException(message);

/// <summary>The entity to create already exists (gRPC ALREADY_EXISTS).</summary>
[GenerateSerializer, Alias("strive.AlreadyExistsException")]
public sealed class AlreadyExistsException(string message) : GrainDomainException(message);

/// <summary>The etag sent does not match the stored one (gRPC ABORTED): re-read and retry.</summary>
[GenerateSerializer, Alias("strive.ConflictException")]
public sealed class ConflictException(string message) : GrainDomainException(message);

/// <summary>The request is well formed but the stored state forbids it (gRPC FAILED_PRECONDITION).</summary>
[GenerateSerializer, Alias("strive.PreconditionFailedException")]
public sealed class PreconditionFailedException(string message) : GrainDomainException(message);

/// <summary>
/// The request is valid but would take the addressed entity past a bound the service keeps (gRPC RESOURCE_EXHAUSTED),
/// e.g. more systems-change examples than a partnership holds.
/// </summary>
[GenerateSerializer, Alias("strive.QuotaExceededException")]
public sealed class QuotaExceededException(string message) : GrainDomainException(message);
