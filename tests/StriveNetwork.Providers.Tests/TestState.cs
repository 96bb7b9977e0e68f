namespace StriveNetwork.Providers.Tests;

/// <summary>A state shape with the usual members: scalars, a nullable, a list and a map.</summary>
public sealed class Doc
{
    public int Count { get; set; }

    public string? Name { get; set; }

    public List<string> Tags { get; set; } = [];

    public Dictionary<string, int> Scores { get; set; } = [];
}
