namespace StriveNetwork.Grains.Abstractions;

/// <summary>Base of the domain errors grains throw; the gateway maps each subtype to one gRPC status.</summary>
public abstract class GrainDomainException(string message) : Exception(message);

/// <summary>A request field is invalid (gRPC INVALID_ARGUMENT). <see cref="Field"/> names it, e.g. <c>assessments[2].benchmark_id</c>.</summary>
public sealed class GrainValidationException(string field, string message)
    : GrainDomainException($"{field}: {message}")
{
    public string Field { get; } = field;

    /// <summary>Per-row errors when a batch was rejected as a whole (empty otherwise).</summary>
    public IReadOnlyList<RowError> Rows { get; init; } = [];
}

/// <summary>The addressed partnership, indicator, cohort, framework or token does not exist (gRPC NOT_FOUND).</summary>
public sealed class NotFoundException(string message) : GrainDomainException(message);

/// <summary>The entity to create already exists (gRPC ALREADY_EXISTS).</summary>
public sealed class AlreadyExistsException(string message) : GrainDomainException(message);

/// <summary>The etag sent does not match the stored one (gRPC ABORTED): re-read and retry.</summary>
public sealed class ConflictException(string message) : GrainDomainException(message);

/// <summary>The request is well formed but the stored state forbids it (gRPC FAILED_PRECONDITION).</summary>
public sealed class PreconditionFailedException(string message) : GrainDomainException(message);
