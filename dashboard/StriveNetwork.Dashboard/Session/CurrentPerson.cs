using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Dashboard.Session;

/// <summary>The signed-in person of the current request, put there by <see cref="SessionGate"/>.</summary>
public static class CurrentPerson
{
    private static readonly object Key = new();

    /// <summary>The person, or null on the public paths (sign-in, static files).</summary>
    public static SignedInPerson? Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var person) ? person as SignedInPerson : null;
    }

    /// <summary>The person; throws when the request has no session (a page reached without the gate).</summary>
    public static SignedInPerson Required(HttpContext context) =>
        Get(context) ?? throw new InvalidOperationException("This request has no session; SessionGate must run before the dashboard's pages.");

    internal static void Set(HttpContext context, SignedInPerson person) => context.Items[Key] = person;
}
