
namespace StriveNetwork.Providers;

/// <summary>
/// Identifies one stored state: grain type, grain key and state name, stored as three columns and never reduced to a
/// hash (Orleans' ADO.NET provider keys rows by hash and has to compare again; three text columns cannot collide).
/// </summary>
/// <param name="GrainType">The Orleans grain type, <c>grainId.Type.ToString()</c> (e.g. <c>partnership</c>).</param>
/// <param name="GrainKey">The grain key as text, <c>grainId.Key.ToString()</c>.</param>
/// <param name="StateName">The state name given to <c>[PersistentState]</c>.</param>
public readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    /// <summary>The key of <paramref name="stateName"/> of <paramref name="grainId"/>, after the argument rules.</summary>
    public static GrainStateKey From(string stateName, GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) id.", nameof(grainId));
        }

        var key = new GrainStateKey(grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);
        StorageArguments.ValidateKey(key);
        return key;
    }

    /// <inheritdoc />
    public override string ToString() => $"{GrainType}/{GrainKey}/{StateName}";
}
