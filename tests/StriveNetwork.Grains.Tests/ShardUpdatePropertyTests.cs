using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using Outcome = StriveNetwork.Domain.Indicators.Outcome;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The update chain of ADR 0016 and 0022 on the real pieces (the partnership's <see cref="Outbox{T}"/> of
/// <see cref="PartnershipEvent"/> with merging, <see cref="ShardUpdates"/>, <see cref="RollupCounter"/>) and a model of
/// delivery: whatever the order of publications,
/// deliveries, lost acknowledgements, late duplicates, reactivations and shard recomputations, the shard never sees a
/// broken chain, at most one entry per partnership stays open for merging, and once everything is delivered its
/// counts equal <c>RollupCounter.From</c> of the latest snapshots.
/// </summary>
public sealed class ShardUpdatePropertyTests
{
    private const string ShardKey = "shard";

    private enum Step
    {
        Publish,
        Deliver,
        DeliverAcknowledgementLost,
        LateDuplicate,
        Reactivate,
        Recompute,
    }

    private static Gen<(Step Step, int Partnership, int Variant)> Steps =>
        from step in Gen.Elements(Enum.GetValues<Step>())
        from partnership in Gen.Choose(0, 2)
        from variant in Gen.Choose(0, 11)
        select (step, partnership, variant);

    [Fact]
    public void AnyDeliveryHistory_CountsTheLatestSnapshotsExactly()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Gen.ListOf(Steps)), steps =>
        {
            var model = new Model(3);
            foreach (var (step, p, variant) in steps)
            {
                model.Run(step, p, variant);
            }

            model.DeliverEverything();
            var expected = RollupCounter.From(model.Latest());
            return (model.BrokenChains == 0).Label($"{model.BrokenChains} broken chain(s)")
                .And(model.MaxOpenEntries <= 1).Label($"{model.MaxOpenEntries} entries open for merging")
                .And(RollupCounter.Compare(model.Counts, expected).Count == 0).Label("counts equal the latest snapshots'")
                .And(model.HeldSequencesAreLatest()).Label("the shard holds each latest sequence");
        }));
    }

    [Fact]
    public void MergedChange_KeepsTheOldestBase_TheNewestSnapshot_AndCountsTheWholeStep()
    {
        var first = Snapshot(0, 1, 0);
        var second = Snapshot(0, 2, 1);
        var third = Snapshot(0, 3, 2);

        var merged = ShardUpdates.Merge(ShardUpdates.ToChange(new SnapshotUpdate(first, second)), ShardUpdates.ToChange(new SnapshotUpdate(second, third)));

        Assert.Equal(first.Sequence, merged.BaseSequence);
        Assert.Equal(third.Sequence, merged.Sequence);
        Assert.Equal(third.Gateway, merged.Member.Gateway);
        Assert.False(merged.BaseUnknown);
        Assert.Equal(RollupCounter.Change(first, third).OrderBy(c => c.Key, StringComparer.Ordinal), merged.Counts.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.DoesNotContain(merged.Counts, c => c.Value == 0);
        Assert.Equal(ShardUpdateKind.Counted, ShardUpdates.Classify(ShardMember.Of(first), merged));
        Assert.Equal(ShardUpdateKind.BrokenChain, ShardUpdates.Classify(ShardMember.Of(second), merged));
        Assert.Equal(ShardUpdateKind.Duplicate, ShardUpdates.Classify(ShardMember.Of(third), merged));
        Assert.Equal(ShardUpdateKind.BrokenChain, ShardUpdates.Classify(ShardMember.Of(second), ShardUpdates.ToChange(new SnapshotUpdate(null, third, BaseUnknown: true))));
    }

    [Fact]
    public void PendingEventsStoredBeforeCountChanges_MergeIntoACountChange()
    {
        var first = Snapshot(0, 1, 0);
        var second = Snapshot(0, 2, 1);
        var third = Snapshot(0, 3, 2);
        var newer = PartnershipEvent.ForShard(ShardUpdates.ToChange(new SnapshotUpdate(second, third)));

        // An ADR 0016 entry (both snapshots) merges as its change; one from before ADR 0016 (no snapshot) leaves the base unknown.
        var merged = PartnershipEvent.MergeShard(new PartnershipEvent { Base = first, Latest = second }, newer).Change!;
        var unknown = PartnershipEvent.MergeShard(new PartnershipEvent(), newer).Change!;

        Assert.Null(PartnershipEvent.MergeShard(new PartnershipEvent { Base = first, Latest = second }, newer).Latest);
        Assert.Equal(first.Sequence, merged.BaseSequence);
        Assert.Equal(RollupCounter.Change(first, third).OrderBy(c => c.Key, StringComparer.Ordinal), merged.Counts.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.True(unknown.BaseUnknown);
        Assert.Equal(third.Sequence, unknown.Sequence);
        Assert.Equal(ShardUpdateKind.BrokenChain, ShardUpdates.Classify(ShardMember.Of(second), unknown));
    }

    /// <summary>Partnership p's snapshot with a content chosen by <paramref name="variant"/>.</summary>
    internal static PartnershipSnapshot Snapshot(int p, long sequence, int variant)
    {
        var gateway = (GatewayStage)((variant % 6) + 1);
        Designation[] designations = variant % 4 == 0 ? [Designation.ProofPoint] : [];
        OutcomeTrend[] trends = [new(Outcome.EarlyGradeReading, (TrendDirection)((variant % 3) + 1))];
        OutcomeGapCounts[] gaps = [new(Outcome.EarlyGradeReading, GapChangeCounts.Zero.Add(variant % 2 == 0 ? GapChange.Reduced : GapChange.Widened))];
        return new PartnershipSnapshot(
            $"p-{p}", sequence, $"Partnership {p}", "OH", "toa-6g", gateway, designations, trends, gaps, [],
            [.. Enumerable.Range(2022 - (variant % 3), 1 + (variant % 3)).Select(y => new YearStatus(y, gateway, designations, trends, GapChangeCounts.Zero.Add(GapChange.Reduced)))],
            []);
    }

    /// <summary>Partnerships (last published snapshot, outbox, started entries) and one shard, as the grains hold them.</summary>
    private sealed class Model(int partnerships)
    {
        private readonly PartnershipSnapshot?[] _last = new PartnershipSnapshot?[partnerships];
        private readonly Outbox<PartnershipEvent>[] _outboxes = [.. Enumerable.Repeat(Outbox<PartnershipEvent>.Empty, partnerships)];
        private readonly HashSet<long>[] _started = [.. Enumerable.Range(0, partnerships).Select(_ => new HashSet<long>())];
        private readonly List<MemberCountChange> _delivered = [];
        private readonly Dictionary<string, ShardMember> _members = new(StringComparer.Ordinal);

        public RollupCounter Counts { get; private set; } = new();

        public int BrokenChains { get; private set; }

        public int MaxOpenEntries { get; private set; }

        public IEnumerable<PartnershipSnapshot> Latest() => _last.OfType<PartnershipSnapshot>();

        public bool HeldSequencesAreLatest() =>
            _members.Count == Latest().Count() && Latest().All(s => _members[s.PartnershipId].Sequence == s.Sequence);

        public void Run(Step step, int p, int variant)
        {
            switch (step)
            {
                case Step.Publish:
                    var last = _last[p];
                    var next = Snapshot(p, (last?.Sequence ?? 0) + 1, variant);
                    var change = PartnershipEvent.ForShard(ShardUpdates.ToChange(new SnapshotUpdate(last, next)));
                    _outboxes[p] = _outboxes[p].AddMerged(OutboxTarget.NetworkShard, ShardKey, change, PartnershipEvent.MergeShard, _started[p]);
                    _last[p] = next;
                    MaxOpenEntries = Math.Max(MaxOpenEntries, _outboxes[p].Entries.Count(e => !_started[p].Contains(e.Sequence)));
                    break;
                case Step.Deliver:
                    Deliver(p, acknowledged: true);
                    break;
                case Step.DeliverAcknowledgementLost:
                    Deliver(p, acknowledged: false);
                    break;
                case Step.LateDuplicate when _delivered.Count > 0:
                    Apply(_delivered[variant % _delivered.Count]);
                    break;
                case Step.Reactivate:
                    // A new activation cannot know what an earlier one delivered: every stored entry counts as started.
                    _started[p].UnionWith(_outboxes[p].Entries.Select(e => e.Sequence));
                    break;
                case Step.Recompute:
                    Recompute();
                    break;
            }
        }

        public void DeliverEverything()
        {
            for (var p = 0; p < _outboxes.Length; p++)
            {
                while (_outboxes[p].Entries.Count > 0)
                {
                    Deliver(p, acknowledged: true);
                }
            }
        }

        private void Deliver(int p, bool acknowledged)
        {
            if (_outboxes[p].Entries.FirstOrDefault() is not { } entry)
            {
                return;
            }

            _started[p].Add(entry.Sequence);
            var change = entry.Payload.Change!;
            Apply(change);
            _delivered.Add(change);
            if (acknowledged)
            {
                _outboxes[p] = _outboxes[p].Without(new HashSet<long> { entry.Sequence });
            }
        }

        private void Apply(MemberCountChange change)
        {
            var held = _members.GetValueOrDefault(change.Member.PartnershipId);
            switch (ShardUpdates.Classify(held, change))
            {
                case ShardUpdateKind.Counted:
                    Counts.Apply(change.Counts);
                    _members[change.Member.PartnershipId] = ShardMember.Of(change);
                    break;
                case ShardUpdateKind.BrokenChain:
                    BrokenChains++;
                    Recompute();
                    break;
            }
        }

        /// <summary>As the shard's recomputation with apply: each partnership hands over its last snapshot and seals its outbox.</summary>
        private void Recompute()
        {
            _members.Clear();
            foreach (var snapshot in Latest())
            {
                _members[snapshot.PartnershipId] = ShardMember.Of(snapshot);
            }

            for (var p = 0; p < _outboxes.Length; p++)
            {
                _started[p].UnionWith(_outboxes[p].Entries.Select(e => e.Sequence));
            }

            Counts = RollupCounter.From(Latest());
        }
    }
}
