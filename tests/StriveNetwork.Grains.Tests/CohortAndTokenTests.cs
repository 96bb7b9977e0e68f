using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Cohorts (membership, comparison, rollup fed by members' outboxes), the token registry and network listing.</summary>
public abstract class CohortAndTokenTests(GrainClusterOptions options)
{
    [Fact]
    public async Task Cohort_ComparisonAndRollup_FollowMembers()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await c.Partnership("racine").RegisterAsync(Sample.Profile("Racine"));
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH", "toa-5g-2016"));
        await c.Partnership("toledo").RegisterAsync(Sample.Profile("Toledo", "OH"));

        var missing = await Assert.ThrowsAsync<NotFoundException>(() => c.Cohort("early-reading").CreateAsync("Early reading", string.Empty, ["racine", "nowhere"]));
        Assert.Contains("'nowhere'", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => c.Cohort("early-reading").GetAsync());

        var cohort = await c.Cohort("early-reading").CreateAsync("Early reading", "Partnerships focused on reading", ["racine", "dayton"]);
        Assert.Equal(["dayton", "racine"], cohort.MemberIds);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => c.Cohort("early-reading").CreateAsync("Again", string.Empty, []));
        Assert.True((await c.Cohort("early-reading").AddMemberAsync("toledo")).Changed);
        Assert.False((await c.Cohort("early-reading").AddMemberAsync("toledo")).Changed);
        Assert.True(await c.Cohort("early-reading").IsMemberAsync("toledo"));

        await c.Partnership("racine").RecordAssessmentAsync(Sample.ThroughSustaining());
        var rollup = await GrainCluster.EventuallyAsync(() => c.Cohort("early-reading").GetRollupAsync(),
            r => r.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count == 1, "racine's new gateway reaches the cohort");
        Assert.Equal(3, rollup.MemberCount);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);

        var matrices = await c.Cohort("early-reading").CompareBenchmarksAsync(GatewayStage.Exploring);
        Assert.Equal(["toa-5g-2016", "toa-6g"], matrices.Select(m => m.FrameworkId));
        var sixGateway = matrices[1];
        Assert.Equal(["racine", "toledo"], sixGateway.Rows.Select(r => r.PartnershipId));
        Assert.All(sixGateway.Columns, col => Assert.Equal(GatewayStage.Exploring, col.Gateway));
        Assert.All(sixGateway.Rows[0].Statuses, s => Assert.Equal(BenchmarkStatus.Met, s));
        Assert.All(sixGateway.Rows[1].Statuses, s => Assert.Equal(BenchmarkStatus.NotStarted, s));
        Assert.All(sixGateway.MetCounts, n => Assert.Equal(1, n));

        Assert.True((await c.Cohort("early-reading").RemoveMemberAsync("racine")).Changed);
        Assert.False((await c.Cohort("early-reading").RemoveMemberAsync("racine")).Changed);
        Assert.False(await c.Cohort("early-reading").IsMemberAsync("racine"));
        await c.Partnership("racine").UpdateProfileAsync(Sample.Profile("Racine renamed"), ["display_name"], (await c.Partnership("racine").GetAsync()).Etag);
        await GrainCluster.EventuallyAsync(() => c.Network.ListPartnershipsAsync(new PartnershipFilter(null, null, "WI"), 10, string.Empty),
            p => p.Partnerships.Single().DisplayName == "Racine renamed", "the rename reaches the network");
        var after = await c.Cohort("early-reading").GetRollupAsync();
        Assert.Equal(["dayton", "toledo"], after.Members.Select(m => m.PartnershipId));
    }

    [Fact]
    public async Task Tokens_IssueLookupListRevoke()
    {
        await using var c = await GrainCluster.StartAsync(options);
        var adminHash = new string('a', 64);
        var bootstrap = await c.Tokens.IssueBootstrapAsync(adminHash);
        Assert.NotNull(bootstrap);
        Assert.Equal(TokenRole.NetworkAdmin, bootstrap.Role);
        Assert.Null(bootstrap.ExpireTime);
        Assert.Null(await c.Tokens.IssueBootstrapAsync(new string('b', 64)));

        await Assert.ThrowsAsync<NotFoundException>(() => c.Tokens.IssueAsync(
            new TokenIssue(new string('c', 64), TokenRole.Partnership, "racine", "Racine data system", null, bootstrap.TokenId)));
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var partnership = await c.Tokens.IssueAsync(new TokenIssue(new string('c', 64), TokenRole.Partnership, "racine", "Racine data system", null, bootstrap.TokenId));
        Assert.StartsWith("tok_", partnership.TokenId, StringComparison.Ordinal);
        Assert.True(partnership.IssueTime > bootstrap.IssueTime);
        Assert.Equal("partnership_id", (await Assert.ThrowsAsync<GrainValidationException>(() => c.Tokens.IssueAsync(
            new TokenIssue(new string('d', 64), TokenRole.NetworkViewer, "racine", "viewer", null, bootstrap.TokenId)))).Field);
        Assert.Equal("expire_time", (await Assert.ThrowsAsync<GrainValidationException>(() => c.Tokens.IssueAsync(
            new TokenIssue(new string('d', 64), TokenRole.NetworkViewer, string.Empty, "viewer", DateTimeOffset.UtcNow.AddDays(401), bootstrap.TokenId)))).Field);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => c.Tokens.IssueAsync(
            new TokenIssue(adminHash, TokenRole.NetworkViewer, string.Empty, "viewer", null, bootstrap.TokenId)));

        Assert.Equal(partnership.TokenId, (await c.Tokens.LookupAsync(new string('c', 64)))?.TokenId);
        Assert.Null(await c.Tokens.LookupAsync(new string('e', 64)));

        await Assert.ThrowsAsync<PreconditionFailedException>(() => c.Tokens.RevokeAsync(bootstrap.TokenId, "oops", bootstrap.TokenId));
        await Assert.ThrowsAsync<NotFoundException>(() => c.Tokens.RevokeAsync("tok_missing", string.Empty, bootstrap.TokenId));
        var revoked = await c.Tokens.RevokeAsync(partnership.TokenId, "rotated", bootstrap.TokenId);
        Assert.NotNull(revoked.RevokeTime);
        var again = await c.Tokens.RevokeAsync(partnership.TokenId, "again", bootstrap.TokenId);
        Assert.Equal(revoked.RevokeTime, again.RevokeTime);
        Assert.Equal("rotated", again.RevokeReason);
        Assert.False((await c.Tokens.LookupAsync(new string('c', 64)))!.IsActive(DateTimeOffset.UtcNow));

        var active = await c.Tokens.ListAsync(new TokenFilter(null, null, false), 0, string.Empty);
        Assert.Equal([bootstrap.TokenId], active.Tokens.Select(t => t.TokenId));
        var page1 = await c.Tokens.ListAsync(new TokenFilter(null, null, true), 1, string.Empty);
        var page2 = await c.Tokens.ListAsync(new TokenFilter(null, null, true), 1, page1.NextPageToken);
        Assert.Equal([partnership.TokenId, bootstrap.TokenId], page1.Tokens.Concat(page2.Tokens).Select(t => t.TokenId));
        Assert.Empty(page2.NextPageToken);
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Tokens.ListAsync(new TokenFilter(null, null, true), -1, string.Empty));
    }

    [Fact]
    public async Task Tokens_RevocationEpoch_CountsRevocations_IsStored_AndTellsACallerTooFarBehind()
    {
        await using var c = await GrainCluster.StartAsync(options);
        var admin = (await c.Tokens.IssueBootstrapAsync(new string('a', 64)))!;
        var first = await c.Tokens.IssueAsync(new TokenIssue(new string('b', 64), TokenRole.NetworkViewer, string.Empty, "first", null, admin.TokenId));
        var second = await c.Tokens.IssueAsync(new TokenIssue(new string('c', 64), TokenRole.NetworkViewer, string.Empty, "second", null, admin.TokenId));
        Assert.Equal(new TokenLookup(first, 0), await c.Tokens.LookupWithEpochAsync(new string('b', 64)));
        Assert.Equal((0L, true), Summary(await c.Tokens.RevocationsSinceAsync(0)));

        // Every revocation moves the epoch, in the same write; the record and the epoch are read together.
        await c.Tokens.RevokeAsync(first.TokenId, "rotated", admin.TokenId);
        var lookup = await c.Tokens.LookupWithEpochAsync(new string('b', 64));
        Assert.Equal(1, lookup.Epoch);
        Assert.NotNull(lookup.Token!.RevokeTime);
        Assert.Equal([first.TokenId], (await c.Tokens.RevocationsSinceAsync(0)).TokenIds);
        Assert.Empty((await c.Tokens.RevocationsSinceAsync(1)).TokenIds);

        // Revoking again changes nothing, so the epoch stays.
        await c.Tokens.RevokeAsync(first.TokenId, "again", admin.TokenId);
        await c.Tokens.RevokeAsync(second.TokenId, "rotated", admin.TokenId);
        var since0 = await c.Tokens.RevocationsSinceAsync(0);
        Assert.Equal(2, since0.Epoch);
        Assert.Equal([first.TokenId, second.TokenId], since0.TokenIds);
        Assert.Equal([second.TokenId], (await c.Tokens.RevocationsSinceAsync(1)).TokenIds);
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Tokens.RevocationsSinceAsync(-1));

        // Stored with the tokens: a new activation answers the same.
        await c.Cluster.DeactivateAsync(c.Tokens);
        Assert.Equal(since0, await c.Tokens.RevocationsSinceAsync(0), new RevocationsComparer());
        Assert.Equal(2, (await c.Tokens.LookupWithEpochAsync(new string('c', 64))).Epoch);

        // The list is bounded: with as many revocations remembered as the limit allows, the next revocation pushes the
        // oldest out, and a caller from before it is told to drop its cache.
        await c.Cluster.DeactivateAsync(c.Tokens);
        await c.WriteStoredAsync<TokenRegistryState>("tokens", c.Tokens, s => s with
        {
            RevocationEpoch = 5000,
            RecentRevocations = [.. Enumerable.Range(5001 - TokenRegistryGrain.RecentRevocationLimit, TokenRegistryGrain.RecentRevocationLimit).Select(e => new TokenRevocation(e, "tok_old"))],
        });
        var third = await c.Tokens.IssueAsync(new TokenIssue(new string('d', 64), TokenRole.NetworkViewer, string.Empty, "third", null, admin.TokenId));
        await c.Tokens.RevokeAsync(third.TokenId, "rotated", admin.TokenId);
        var stored = (await c.ReadStoredAsync<TokenRegistryState>("tokens", c.Tokens))!;
        Assert.Equal(5001, stored.RevocationEpoch);
        Assert.Equal(TokenRegistryGrain.RecentRevocationLimit, stored.RecentRevocations.Count);
        Assert.Equal([third.TokenId], (await c.Tokens.RevocationsSinceAsync(5000)).TokenIds);
        Assert.Equal((5001L, true), Summary(await c.Tokens.RevocationsSinceAsync(5001 - TokenRegistryGrain.RecentRevocationLimit)));
        var behind = await c.Tokens.RevocationsSinceAsync(4000 - TokenRegistryGrain.RecentRevocationLimit);
        Assert.Equal((5001L, false), Summary(behind));
        Assert.Empty(behind.TokenIds);
    }

    private static (long Epoch, bool Complete) Summary(TokenRevocations revocations) => (revocations.Epoch, revocations.Complete);

    private sealed class RevocationsComparer : IEqualityComparer<TokenRevocations>
    {
        public bool Equals(TokenRevocations? x, TokenRevocations? y) =>
            x is not null && y is not null && x.Epoch == y.Epoch && x.Complete == y.Complete && x.TokenIds.SequenceEqual(y.TokenIds);

        public int GetHashCode(TokenRevocations obj) => obj.Epoch.GetHashCode();
    }

    [Fact]
    public async Task ListPartnerships_PagesWithFilters()
    {
        await using var c = await GrainCluster.StartAsync(options);
        foreach (var (id, state) in new[] { ("akron", "OH"), ("boston", "MA"), ("canton", "OH"), ("dayton", "OH") })
        {
            await c.Partnership(id).RegisterAsync(Sample.Profile(id, state));
        }

        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 4, "four partnerships in the rollup");
        var filter = new PartnershipFilter(GatewayStage.Exploring, null, "oh");
        var first = await c.Network.ListPartnershipsAsync(filter, 2, string.Empty);
        Assert.Equal(["akron", "canton"], first.Partnerships.Select(p => p.PartnershipId));
        Assert.Equal(3, first.TotalSize);
        var second = await c.Network.ListPartnershipsAsync(filter, 2, first.NextPageToken);
        Assert.Equal(["dayton"], second.Partnerships.Select(p => p.PartnershipId));
        Assert.Empty(second.NextPageToken);
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Network.ListPartnershipsAsync(new PartnershipFilter(null, null, null), 2, first.NextPageToken));
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Network.ListPartnershipsAsync(filter, 2, "%%%"));
    }
}

public sealed class MemoryCohortAndTokenTests() : CohortAndTokenTests(new GrainClusterOptions { Storage = StorageKind.Memory });

public sealed class SqliteCohortAndTokenTests() : CohortAndTokenTests(new GrainClusterOptions { Storage = StorageKind.Sqlite, Silos = 3 });
