namespace StriveNetwork.Actors.Tests;

public sealed class StreamTests : ClusterTestBase
{
    private const string Subscription = "scoresubscriber/scores";

    [Fact]
    public async Task Pump_DeliversEventsInOrderWithProducerSequence()
    {
        var producer = Client.GetGrain<IScoreProducerGrain>("prod");
        for (var i = 1; i <= 5; i++)
        {
            await producer.Publish("s1", i, "ok");
        }

        await Probe.WaitUntilAsync(() => Probe.Events.Count(e => e.StartsWith("got:s1:", StringComparison.Ordinal)) == 5, "5 deliveries");

        var delivered = Probe.Events.Where(e => e.StartsWith("got:s1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            Enumerable.Range(1, 5).Select(i => $"got:s1:{i}:seq{i}:scoreproducer/prod"),
            delivered);
        await Probe.WaitUntilAsync(() => Cluster.StreamLog.GetCheckpointAsync(Subscription).AsTask().Result == 5, "checkpoint 5");
    }

    [Fact]
    public async Task Pump_RetriesFailedDeliveryUntilItSucceeds()
    {
        await Client.GetGrain<IScoreProducerGrain>("prod").Publish("s2", 1, "fail-twice");

        await Probe.WaitForAsync("got:s2:1:seq1:scoreproducer/prod");

        Assert.Equal(3, Probe.Count("attempt:s2:1"));
        Assert.Empty(await Cluster.StreamLog.ReadDeadLettersAsync(Subscription));
    }

    [Fact]
    public async Task Pump_DeadLettersAfterMaxAttemptsAndContinues()
    {
        var producer = Client.GetGrain<IScoreProducerGrain>("prod");
        await producer.Publish("s3", 1, "always-fail");
        await producer.Publish("s3", 2, "ok");

        await Probe.WaitForAsync("got:s3:2:seq2:scoreproducer/prod");

        Assert.Equal(5, Probe.Count("attempt:s3:1"));
        var deadLetter = Assert.Single(await Cluster.StreamLog.ReadDeadLettersAsync(Subscription));
        Assert.Equal(5, deadLetter.Attempts);
        Assert.Equal("s3", deadLetter.Event.StreamKey);
        Assert.Contains("refusing 1", deadLetter.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxEvent_IsDeliveredToSubscriberAfterStateWrite()
    {
        await Client.GetGrain<IScoreProducerGrain>("writer").PublishWithState("s4", 9);

        await Probe.WaitForAsync("got:s4:9:seq1:scoreproducer/writer");
    }
}
