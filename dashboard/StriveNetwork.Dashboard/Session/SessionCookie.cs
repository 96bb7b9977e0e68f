using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Dashboard.Session;

/// <summary>
/// The <c>strive_session</c> cookie: the person's token, role and partnership, encrypted and authenticated with ASP.NET
/// Data Protection and valid for <see cref="Lifetime"/>. HttpOnly, SameSite=Strict, Secure when the request is HTTPS.
/// </summary>
public sealed class SessionCookie(IDataProtectionProvider protection, TimeProvider timeProvider)
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "strive_session";

    /// <summary>How long a session lasts (the token's own expiry or revocation ends it sooner: the API refuses it).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("StriveNetwork.Dashboard.Session.v1").ToTimeLimitedDataProtector();

    /// <summary>Sets the cookie for <paramref name="person"/>.</summary>
    public void Write(HttpContext context, SignedInPerson person)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(person);
        var payload = string.Join('\n', person.Role, person.PartnershipId ?? string.Empty, person.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), person.Token);
        var value = _protector.Protect(payload, person.Expires);
        context.Response.Cookies.Append(Name, value, Options(context, person.Expires));
    }

    /// <summary>The person of the request's cookie, or null when there is none or it is not valid (tampered, expired).</summary>
    public SignedInPerson? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        var parts = payload.Split('\n', 4);
        if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        var expiry = DateTimeOffset.FromUnixTimeSeconds(expires);
        return expiry <= timeProvider.GetUtcNow() ? null : new SignedInPerson(parts[3], parts[0], parts[1].Length == 0 ? null : parts[1], expiry);
    }

    /// <summary>Removes the cookie.</summary>
    public static void Clear(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(Name, Options(context, DateTimeOffset.UnixEpoch));
    }

    /// <summary>When a session started now ends.</summary>
    public DateTimeOffset NewExpiry() => timeProvider.GetUtcNow() + Lifetime;

    private static CookieOptions Options(HttpContext context, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
