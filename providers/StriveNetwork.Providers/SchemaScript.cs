using System.Globalization;
using System.Reflection;

namespace StriveNetwork.Providers;

/// <summary>A versioned schema script, embedded in a provider assembly as <c>Sql/NNNN_name.sql</c>.</summary>
internal sealed record SchemaScript(int Version, string Name, string Sql)
{
    /// <summary>Loads the scripts embedded in <paramref name="assembly"/>, numbered 1..N without gaps.</summary>
    public static IReadOnlyList<SchemaScript> Load(Assembly assembly)
    {
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Sql/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource["Sql/".Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Schema script '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new SchemaScript(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Schema scripts must be numbered 1..N without gaps; found {scripts[i].Version} at place {i + 1}.");
            }
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException("No schema scripts are embedded.");
    }
}
