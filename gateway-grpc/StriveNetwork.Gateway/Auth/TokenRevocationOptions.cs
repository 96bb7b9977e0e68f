namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// How often this process asks the token registry for revocations (configuration section <c>Strive:Auth</c>, e.g.
/// env <c>Strive__Auth__RevocationPollInterval=00:00:00.250</c>). A revoked token's open calls end within one poll
/// interval plus one registry call; calls whose token expires end within one interval of the expiry.
/// </summary>
public sealed class TokenRevocationOptions
{
    /// <summary>Configuration section the host binds.</summary>
    public const string Section = "Strive:Auth";

    /// <summary>Smallest accepted interval (a poll is one cheap grain call; faster only adds load).</summary>
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Largest accepted interval: revocation must reach open calls within one second.</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(750);

    /// <summary>Interval between polls of the registry's revocation epoch (default 250 ms).</summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The problem with the settings, or null when they are valid.</summary>
    public string? Problem() =>
        RevocationPollInterval < MinPollInterval || RevocationPollInterval > MaxPollInterval
            ? $"Strive:Auth:RevocationPollInterval must be within {MinPollInterval.TotalMilliseconds:0} ms..{MaxPollInterval.TotalMilliseconds:0} ms (got {RevocationPollInterval})"
            : null;
}
