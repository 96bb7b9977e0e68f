namespace StriveNetwork.Dashboard.Session;

/// <summary>
/// The person a session belongs to: their own bearer token (every API call carries it), the role the token had at
/// sign-in (for navigation only; the API decides what they may read) and, for a PARTNERSHIP token, its partnership.
/// </summary>
public sealed record SignedInPerson(string Token, string Role, string? PartnershipId, DateTimeOffset Expires)
{
    /// <summary>Role name of a national staff administrator.</summary>
    public const string NetworkAdmin = "NETWORK_ADMIN";

    /// <summary>Role name of a national staff reader.</summary>
    public const string NetworkViewer = "NETWORK_VIEWER";

    /// <summary>Role name of a partnership's token.</summary>
    public const string Partnership = "PARTNERSHIP";

    /// <summary>Whether the role reads the whole network (the partnership list, every partnership).</summary>
    public bool IsNetworkRole => Role is NetworkAdmin or NetworkViewer;
}
