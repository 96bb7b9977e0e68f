using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>
/// What a network shard keeps of one partnership (docs/adr/0016): the sequence of the snapshot it has counted and the
/// fields <c>ListPartnerships</c> filters and shows. The counts themselves live in the shard's summed counts.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.ShardMember")]
public sealed record ShardMember(long Sequence, string DisplayName, string UsState, string FrameworkId, GatewayStage Gateway, IReadOnlyList<Designation> Designations)
{
    /// <summary>The entry for a counted snapshot.</summary>
    public static ShardMember Of(PartnershipSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Sequence, snapshot.DisplayName, snapshot.UsState, snapshot.FrameworkId, snapshot.Gateway, snapshot.Designations);
    }

    /// <summary>The entry for a counted change.</summary>
    public static ShardMember Of(MemberCountChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var m = change.Member;
        return new(change.Sequence, m.DisplayName, m.UsState, m.FrameworkId, m.Gateway, m.Designations);
    }

    /// <summary>The same sequence and listed fields (records compare lists by reference).</summary>
    public bool SameAs(ShardMember other) =>
        other is not null && Sequence == other.Sequence && Gateway == other.Gateway &&
        string.Equals(DisplayName, other.DisplayName, StringComparison.Ordinal) && string.Equals(UsState, other.UsState, StringComparison.Ordinal) &&
        string.Equals(FrameworkId, other.FrameworkId, StringComparison.Ordinal) && Designations.SequenceEqual(other.Designations);

    /// <summary>The partnership as listed.</summary>
    public PartnershipListItem ToListItem(string partnershipId) => new(partnershipId, DisplayName, UsState, FrameworkId, Gateway, Designations);
}
