using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Requests;

namespace StriveNetwork.Grains.Tests;

/// <summary>The request log's rules on their own: replay by id and fingerprint, the window, the count bound, key shapes.</summary>
public sealed class RequestRecorderTests
{
    private static readonly RequestResult Receipt = new() { Assessment = new AssessmentReceipt(2, "r7") };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 12, 1, 8, 0, 0, TimeSpan.Zero));

    private RequestRecorder Recorder(TimeSpan? window = null, int maxEntries = 256) =>
        new(Options.Create(new RequestLogOptions { Window = window ?? TimeSpan.FromHours(24), MaxEntries = maxEntries }), _clock);

    [Fact]
    public void NoKey_NeitherReplaysNorRecords()
    {
        var recorder = Recorder();
        Assert.Null(recorder.Replay(RequestLog.Empty, null));
        Assert.Same(RequestLog.Empty, recorder.Record(RequestLog.Empty, null, Receipt));
    }

    [Fact]
    public void ARecordedKey_ReplaysItsResult_AndANewIdDoesNot()
    {
        var recorder = Recorder();
        var log = recorder.Record(RequestLog.Empty, Keys.Of("a-1"), Receipt);

        Assert.Equal(Receipt, recorder.Replay(log, Keys.Of("a-1")));
        Assert.Null(recorder.Replay(log, Keys.Of("a-2")));
    }

    [Fact]
    public void TheSameIdWithAnotherFingerprint_IsRefused_WithoutQuotingTheId()
    {
        var recorder = Recorder();
        var log = recorder.Record(RequestLog.Empty, Keys.Of("client-id-42", "first body"), Receipt);

        var refused = Assert.Throws<PreconditionFailedException>(() => recorder.Replay(log, Keys.Of("client-id-42", "another body")));
        Assert.StartsWith("strive-request-id: ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("client-id-42", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdOlderThanTheWindow_IsForgotten_AndPrunedByTheNextRecord()
    {
        var recorder = Recorder(window: TimeSpan.FromHours(1));
        var log = recorder.Record(RequestLog.Empty, Keys.Of("old"), Receipt);

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(Receipt, recorder.Replay(log, Keys.Of("old")));

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(recorder.Replay(log, Keys.Of("old")));
        // Forgotten, it is a new request: even another body is not refused.
        Assert.Null(recorder.Replay(log, Keys.Of("old", "another body")));

        log = recorder.Record(log, Keys.Of("new"), Receipt);
        Assert.Equal(["new"], log.Entries.Select(e => e.Id));
    }

    [Fact]
    public void TheLog_KeepsTheLatestMaxEntries()
    {
        var recorder = Recorder(maxEntries: 3);
        var log = RequestLog.Empty;
        for (var i = 0; i < 5; i++)
        {
            log = recorder.Record(log, Keys.Of($"id-{i}"), Receipt);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["id-2", "id-3", "id-4"], log.Entries.Select(e => e.Id));
        Assert.Null(recorder.Replay(log, Keys.Of("id-1")));
        Assert.Equal(Receipt, recorder.Replay(log, Keys.Of("id-2")));
    }

    [Fact]
    public void RecordingAnIdAgain_KeepsOneEntryForIt()
    {
        // A grain records an id only when it was not replayed (new, or forgotten): the entry is replaced, not doubled.
        var recorder = Recorder();
        var log = recorder.Record(RequestLog.Empty, Keys.Of("a"), Receipt);
        log = recorder.Record(log, Keys.Of("a", "later"), RequestResult.Done);

        Assert.Equal(RequestResult.Done, Assert.Single(log.Entries).Result);
    }

    [Theory]
    [InlineData("")]
    [InlineData("id\n")]
    [InlineData("an id")]
    [InlineData("id/")]
    [InlineData("id/01")]
    [InlineData("id/1/2")]
    public void AMalformedId_IsRefusedAsInvalid(string id)
    {
        var refused = Assert.Throws<GrainValidationException>(() => Recorder().Replay(RequestLog.Empty, Keys.Of("x") with { Id = id }));
        Assert.Equal("strive-request-id", refused.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("0123456789abcdef")]
    public void AMalformedFingerprint_IsRefusedAsInvalid(string fingerprint) =>
        Assert.Throws<GrainValidationException>(() => Recorder().Record(RequestLog.Empty, new RequestKey("id", fingerprint), Receipt));

    [Fact]
    public void APartKey_IsAccepted()
    {
        var recorder = Recorder();
        var log = recorder.Record(RequestLog.Empty, Keys.Of("upload-7/12"), Receipt);
        Assert.Equal(Receipt, recorder.Replay(log, Keys.Of("upload-7/12")));
        Assert.Null(recorder.Replay(log, Keys.Of("upload-7")));
    }
}
