using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace StriveNetwork.Dashboard.Hosting;

/// <summary>
/// The dashboard's Data Protection key ring as files in one folder, each written 0600 (then renamed into place, so no
/// reader sees a partial key): the keys decrypt every session cookie, so they get the same owner-only rule as the
/// silo's other secret files. ASP.NET Core's own file repository creates them with the process umask.
/// </summary>
public sealed class OwnerOnlyKeyRing(string directory) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements() =>
        Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory, "*.xml").Order(StringComparer.Ordinal).Select(XElement.Load)] : [];

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        // Key names are "key-<guid>"; anything else gets a fresh name rather than a path from outside.
        var name = friendlyName is { Length: > 0 and <= 100 } && friendlyName.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? friendlyName : Guid.NewGuid().ToString("N");
        var path = Path.Combine(directory, name + ".xml");
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var file = new FileStream(temporary, options))
            {
                element.Save(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
