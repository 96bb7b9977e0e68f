namespace StriveNetwork.Domain.Frameworks;

/// <summary>
/// The fixed gateway names shared by every Theory of Action version; the numbers are the gateway order of the
/// six-gateway version, so comparing stages compares progress.
/// </summary>
public enum GatewayStage
{
    Exploring = 1,
    Emerging = 2,
    Sustaining = 3,
    SystemsChange = 4,
    ProofPoint = 5,
    SystemsTransformation = 6,
}

/// <summary>How a partnership enters a gateway.</summary>
public enum GatewayEntry
{
    /// <summary>By meeting every benchmark of every earlier gateway (Exploring is the entry gateway).</summary>
    Benchmarks = 1,

    /// <summary>Only through a designation (Proof Point, Systems Transformation), never by benchmarks alone.</summary>
    Designation = 2,
}
