using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Client request ids (<see cref="RequestKey"/>): every write the gRPC API reaches answers a retry of a recorded request
/// with the first result and writes nothing (the stored ETag does not move); the same id for another request is
/// refused; a call whose answer was lost after it committed is answered from the log when retried.
/// </summary>
public abstract class DuplicateSuppressionTests(GrainCluster c)
{
    private static readonly AssessmentBatch OneAssessment =
        new([new AssessmentEntry("6G-EXP-SCV-1", BenchmarkStatus.Met, "charter signed", Sample.Today, "data manager")], [], null);

    private async Task<IPartnershipGrain> RegisteredAsync()
    {
        var partnership = c.Partnership(Sample.Id("racine"));
        await partnership.RegisterAsync(Sample.Profile());
        return partnership;
    }

    private Task<PartnershipState> StoredAsync(IPartnershipGrain p) => c.ReadStoredAsync<PartnershipState>("partnership", p)!;

    private Task<string?> ETagAsync(IPartnershipGrain p) => c.StoredETagAsync<PartnershipState>("partnership", p);

    [Fact]
    public async Task RecordAssessment_RetriedWithItsKey_AnswersTheFirstReceipt_AndWritesNothing()
    {
        var p = await RegisteredAsync();
        var key = Keys.Of(Keys.NewId());

        // Sent with the etag it read: the retry's etag is stale by then, which must not matter.
        var first = await p.RecordAssessmentAsync(OneAssessment with { Etag = "r1" }, key);
        var etag = await ETagAsync(p);
        var again = await p.RecordAssessmentAsync(OneAssessment with { Etag = "r1" }, key);

        Assert.Equal(first, again);
        Assert.Equal(new AssessmentReceipt(1, "r2"), first);
        Assert.Equal(etag, await ETagAsync(p));
        var stored = await StoredAsync(p);
        Assert.Equal(2, stored.Revision);
        Assert.Single(stored.Assessments);
        Assert.Equal(key.Id, Assert.Single(stored.Requests.Entries).Id);
    }

    [Fact]
    public async Task TheSameIdForAnotherRequest_IsRefused_AndWritesNothing()
    {
        var p = await RegisteredAsync();
        var id = Keys.NewId();
        await p.RecordAssessmentAsync(OneAssessment, Keys.Of(id, "assess the charter"));
        var etag = await ETagAsync(p);

        var refused = await Assert.ThrowsAsync<PreconditionFailedException>(() => p.RecordAssessmentAsync(OneAssessment, Keys.Of(id, "another body")));
        Assert.DoesNotContain(id, refused.Message, StringComparison.Ordinal);
        // Another write of the same grain under the same id is another request too.
        await Assert.ThrowsAsync<PreconditionFailedException>(() => p.ReevaluateDesignationsAsync(null, "staff", Keys.Of(id, "reevaluate")));
        Assert.Equal(etag, await ETagAsync(p));
    }

    [Fact]
    public async Task ACallWhoseAnswerWasLostAfterItCommitted_AppendsOnce_WhenRetriedWithItsKey()
    {
        var p = await RegisteredAsync();
        var key = Keys.Of(Keys.NewId());

        // The write commits, then its answer is lost (as when the caller's grain call times out): the caller retries.
        c.DeliveryFaults.LoseNextAnswers(nameof(IPartnershipGrain.RecordAssessmentAsync), 1);
        await Assert.ThrowsAsync<DeliveryRejectedException>(() => p.RecordAssessmentAsync(OneAssessment, key));
        Assert.Single((await StoredAsync(p)).Assessments);

        var retried = await p.RecordAssessmentAsync(OneAssessment, key);
        Assert.Equal(new AssessmentReceipt(1, "r2"), retried);
        var stored = await StoredAsync(p);
        Assert.Single(stored.Assessments);
        Assert.Equal(2, stored.Revision);

        // Without a key, the same retry is a second write: another revision, another etag, another snapshot (the
        // retained history keeps one entry per benchmark and date, so only the second write's traces show it).
        c.DeliveryFaults.LoseNextAnswers(nameof(IPartnershipGrain.RecordAssessmentAsync), 1);
        await Assert.ThrowsAsync<DeliveryRejectedException>(() => p.RecordAssessmentAsync(OneAssessment));
        Assert.Equal(new AssessmentReceipt(1, "r4"), await p.RecordAssessmentAsync(OneAssessment));
        Assert.Equal(4, (await StoredAsync(p)).Revision);
    }

    [Fact]
    public async Task ConcurrentCallsWithOneKey_CommitOnce()
    {
        var p = await RegisteredAsync();
        var key = Keys.Of(Keys.NewId());

        var receipts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => p.RecordAssessmentAsync(OneAssessment, key)));

        Assert.All(receipts, r => Assert.Equal(new AssessmentReceipt(1, "r2"), r));
        var stored = await StoredAsync(p);
        Assert.Equal(2, stored.Revision);
        Assert.Single(stored.Assessments);
    }

    [Fact]
    public async Task TheLog_IsStored_SoANewActivationReplaysToo()
    {
        var p = await RegisteredAsync();
        var key = Keys.Of(Keys.NewId());
        var first = await p.RecordAssessmentAsync(OneAssessment, key);

        await c.Cluster.DeactivateAsync(p);
        var etag = await ETagAsync(p);
        Assert.Equal(first, await p.RecordAssessmentAsync(OneAssessment, key));
        Assert.Equal(etag, await ETagAsync(p));
    }

    [Fact]
    public async Task PartnershipWrites_Replay()
    {
        var registerKey = Keys.Of(Keys.NewId());
        var p = c.Partnership(Sample.Id("racine"));
        var registered = await p.RegisterAsync(Sample.Profile(), registerKey);
        var replayed = await p.RegisterAsync(Sample.Profile(), registerKey); // not ALREADY_EXISTS
        Assert.Equal((registered.Etag, registered.CreateTime), (replayed.Etag, replayed.CreateTime));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => p.RegisterAsync(Sample.Profile()));

        var profileKey = Keys.Of(Keys.NewId());
        var updated = await p.UpdateProfileAsync(Sample.Profile("Renamed"), ["display_name"], "r1", profileKey);
        var etag = await ETagAsync(p);
        var replayedUpdate = await p.UpdateProfileAsync(Sample.Profile("Renamed"), ["display_name"], "r1", profileKey); // stale etag: not ABORTED
        Assert.Equal((updated.Etag, updated.Profile.DisplayName), (replayedUpdate.Etag, replayedUpdate.Profile.DisplayName));
        Assert.Equal(etag, await ETagAsync(p));

        var reevaluateKey = Keys.Of(Keys.NewId());
        var record = await p.ReevaluateDesignationsAsync(null, "staff", reevaluateKey);
        etag = await ETagAsync(p);
        Assert.Equal(record.RecordTime, (await p.ReevaluateDesignationsAsync(null, "staff", reevaluateKey)).RecordTime);
        Assert.Equal(etag, await ETagAsync(p));

        var settings = await p.GetSettingsAsync();
        var settingsKey = Keys.Of(Keys.NewId());
        var changed = await p.UpdateSettingsAsync(settings.Settings with { MinimumN = 12 }, settings.Etag, "staff", settingsKey);
        etag = await ETagAsync(p);
        var replayedSettings = await p.UpdateSettingsAsync(settings.Settings with { MinimumN = 12 }, settings.Etag, "staff", settingsKey); // stale etag
        Assert.Equal((changed.Etag, 12, 1), (replayedSettings.Etag, replayedSettings.Settings.MinimumN, replayedSettings.Changes.Count));
        Assert.Equal(etag, await ETagAsync(p));
    }

    [Fact]
    public async Task IndicatorWrites_Replay()
    {
        var p = await RegisteredAsync();
        var indicator = c.Indicator(p.GetPrimaryKeyString(), "reading");
        Task<string?> ETag() => c.StoredETagAsync<IndicatorState>("indicator", indicator);
        var spec = Sample.Indicator(Outcome.EarlyGradeReading);

        var defineKey = Keys.Of(Keys.NewId());
        Assert.Equal(DefineResult.Created, (await indicator.DefineAsync(spec, defineKey)).Result);
        var etag = await ETag();
        Assert.Equal(DefineResult.Created, (await indicator.DefineAsync(spec, defineKey)).Result); // without the key: Unchanged
        Assert.Equal(etag, await ETag());

        var submitKey = Keys.Of(Keys.NewId());
        var submitted = await indicator.SubmitAsync(0, Sample.Improving(), submitKey);
        etag = await ETag();
        Assert.Equal(submitted, await indicator.SubmitAsync(0, Sample.Improving(), submitKey)); // without the key: 2 replaced
        Assert.Equal(new SubmitReceipt(2, 0, 1), submitted);
        Assert.Equal(etag, await ETag());

        UploadRowInput[] rows =
        [
            new(0, 0, Sample.Cell(2020, "all", "all", 410, 1000), "a.csv:1"),
            new(1, 0, Sample.Cell(2021, "all", "all", 15, 12), "a.csv:2"),
            new(2, 0, Sample.Cell(2024, "all", "all", 520, 1000), "a.csv:3"),
        ];
        var uploadKey = Keys.Of(Keys.NewId() + "/0");
        var uploaded = await indicator.UploadAsync(rows, validateOnly: false, uploadKey);
        etag = await ETag();
        var replayed = await indicator.UploadAsync(rows, validateOnly: false, uploadKey);
        Assert.Equal((2, 1), (uploaded.AcceptedCount, uploaded.ReplacedCount));
        Assert.Equal((uploaded.AcceptedCount, uploaded.ReplacedCount), (replayed.AcceptedCount, replayed.ReplacedCount));
        Assert.Equal(uploaded.Errors, replayed.Errors); // found again, not stored
        Assert.Equal(etag, await ETag());

        // Validating stores nothing, with or without a key, and records nothing either.
        await indicator.UploadAsync(rows, validateOnly: true, Keys.Of(Keys.NewId()));
        Assert.Equal(etag, await ETag());
    }

    [Fact]
    public async Task CohortWrites_Replay_WithTheFirstCallsChange()
    {
        var p = await RegisteredAsync();
        var cohort = c.Cohort(Sample.Id("cohort"));
        Task<string?> ETag() => c.StoredETagAsync<CohortState>("cohort", cohort);

        var createKey = Keys.Of(Keys.NewId());
        var created = await cohort.CreateAsync("Readers", string.Empty, [], createKey);
        Assert.Equal(created.CreateTime, (await cohort.CreateAsync("Readers", string.Empty, [], createKey)).CreateTime); // not ALREADY_EXISTS

        var addKey = Keys.Of(Keys.NewId());
        Assert.True((await cohort.AddMemberAsync(p.GetPrimaryKeyString(), addKey)).Changed);
        var etag = await ETag();
        Assert.True((await cohort.AddMemberAsync(p.GetPrimaryKeyString(), addKey)).Changed); // without the key: false
        Assert.Equal(etag, await ETag());

        var removeKey = Keys.Of(Keys.NewId());
        Assert.True((await cohort.RemoveMemberAsync(p.GetPrimaryKeyString(), removeKey)).Changed);
        etag = await ETag();
        var replayed = await cohort.RemoveMemberAsync(p.GetPrimaryKeyString(), removeKey);
        Assert.True(replayed.Changed);
        Assert.Empty(replayed.Cohort.MemberIds);
        Assert.Equal(etag, await ETag());
    }

    [Fact]
    public async Task TokenWrites_Replay_AndAReissueNamesTheFirstToken()
    {
        Task<string?> ETag() => c.StoredETagAsync<TokenRegistryState>("tokens", c.Tokens);
        var hash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0');
        var issueKey = Keys.Of(Keys.NewId());
        var issued = await c.Tokens.IssueAsync(new TokenIssue(hash, TokenRole.NetworkViewer, string.Empty, "dashboard", null, "tok_ADMIN"), issueKey);
        var etag = await ETag();

        // The retry brings another secret's hash (the gateway makes a new secret per attempt); it is never stored.
        var otherHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '1');
        var refused = await Assert.ThrowsAsync<AlreadyExistsException>(() =>
            c.Tokens.IssueAsync(new TokenIssue(otherHash, TokenRole.NetworkViewer, string.Empty, "dashboard", null, "tok_ADMIN"), issueKey));
        Assert.Contains(issued.TokenId, refused.Message, StringComparison.Ordinal);
        Assert.Null(await c.Tokens.LookupAsync(otherHash));
        Assert.Equal(etag, await ETag());

        var revokeKey = Keys.Of(Keys.NewId());
        var revoked = await c.Tokens.RevokeAsync(issued.TokenId, "rotated", "tok_ADMIN", revokeKey);
        etag = await ETag();
        Assert.Equal(revoked, await c.Tokens.RevokeAsync(issued.TokenId, "rotated", "tok_ADMIN", revokeKey));
        Assert.Equal(etag, await ETag());
    }

    [Fact]
    public async Task AnAppliedRecomputation_Replays_AndAComparisonRecordsNothing()
    {
        Task<string?> ETag() => c.StoredETagAsync<NetworkState>("network", c.Network);

        // Deltas of the other tests' partnerships would write the network grain meanwhile: held back (and retried
        // by their outboxes) while this test compares the stored ETag.
        c.DeliveryFaults.Block(nameof(INetworkGrain.ApplyDeltaAsync));
        try
        {
            var key = Keys.Of(Keys.NewId());
            var first = await c.Network.RecomputeAsync(apply: true, key);
            var etag = await ETag();
            var again = await c.Network.RecomputeAsync(apply: true, key);
            Assert.Equal((first.Consistent, first.Applied, first.PartnershipCount), (again.Consistent, again.Applied, again.PartnershipCount));
            Assert.Equal(first.Differences, again.Differences);
            Assert.Equal(etag, await ETag());

            await c.Network.RecomputeAsync(apply: false, Keys.Of(Keys.NewId()));
            Assert.Equal(etag, await ETag());
        }
        finally
        {
            c.DeliveryFaults.Unblock(nameof(INetworkGrain.ApplyDeltaAsync));
        }
    }
}

public sealed class MemoryDuplicateSuppressionTests(MemoryClusterFixture fixture)
    : DuplicateSuppressionTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

/// <summary>The same on SQLite (state as JSON, three silos): the log survives the provider's serializer.</summary>
public sealed class SqliteDuplicateSuppressionTests(SqliteClusterFixture fixture)
    : DuplicateSuppressionTests(fixture.Cluster), IClassFixture<SqliteClusterFixture>;
