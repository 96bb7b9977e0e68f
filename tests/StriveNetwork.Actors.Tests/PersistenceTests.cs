using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Actors.Tests;

public sealed class PersistenceTests : ClusterTestBase
{
    private readonly CountingStorage _storage = new(new MemoryGrainStorage("memory"));

    protected override void Configure(InProcessTestClusterBuilder builder)
        => builder.UseStorage(_ => _storage).ConfigureServices(s => s.AddSingleton<IIncomingGrainCallFilter, RecordingFilter>());

    [Fact]
    public async Task PersistentState_EtagChangesOnEveryWriteAndClearKeepsTombstone()
    {
        var grain = Client.GetGrain<ICounterGrain>("etag");
        Assert.Null(await grain.GetEtag());
        Assert.False(await grain.RecordExists());

        await grain.Increment(1);
        var first = await grain.GetEtag();
        await grain.Increment(1);
        var second = await grain.GetEtag();
        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.True(await grain.RecordExists());

        await grain.Clear();
        var cleared = await grain.GetEtag();
        Assert.NotNull(cleared);
        Assert.NotEqual(second, cleared);
        Assert.False(await grain.RecordExists());
        Assert.Equal(0, await grain.Get());
        Assert.Equal(1, await grain.Increment(1));
    }

    [Fact]
    public async Task StaleWrite_FailsWithInconsistentStateAndActivationRereadsAfterward()
    {
        var grain = Client.GetGrain<ICounterGrain>("stale");
        await grain.Increment(1);
        var key = new GrainStateKey("counter", "stale", "counter");
        var stored = await _storage.ReadAsync(key);
        await _storage.WriteAsync(key, "{\"count\":41,\"history\":[]}", 1, stored!.ETag, []);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Increment(1));
        await Probe.WaitForAsync("deactivate:stale:ApplicationError");

        Assert.Equal(42, await grain.Increment(1));
    }

    [Fact]
    public async Task Outbox_CommitsStateAndStagedEventInOneStorageWrite()
    {
        var grain = Client.GetGrain<ICounterGrain>("outbox");
        await grain.IncrementWithEvent(3);

        Assert.Equal(1, _storage.Writes);
        Assert.Equal([1], _storage.EventsPerWrite);
        Assert.Equal(0, _storage.Appends);
        var events = await _storage.ReadAsync("counter-events", 0, 10);
        var single = Assert.Single(events);
        Assert.Equal("counter", single.ProducerType);
        Assert.Equal("outbox", single.ProducerKey);
        Assert.Contains("\"count\":3", single.PayloadJson, StringComparison.Ordinal);
        var state = await _storage.ReadAsync(new GrainStateKey("counter", "outbox", "counter"));
        Assert.Contains("\"count\":3", state!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallFilter_SeesGrainMethodArgumentsAndResult()
    {
        Assert.Equal(5, await Client.GetGrain<ICounterGrain>("filtered").Increment(5));

        Assert.Contains("before:counter/filtered:ICounterGrain.Increment(5)", Probe.Events);
        Assert.Contains("after:Increment=5", Probe.Events);
    }
}

public sealed class ProfileMigration : IStateMigration<ProfileState>
{
    public JsonNode Migrate(int fromVersion, JsonNode state)
    {
        // Version 1 stored "fullName"; version 2 calls it "name".
        var obj = state.AsObject();
        obj["name"] = obj["fullName"]?.GetValue<string>();
        obj.Remove("fullName");
        obj["version"] = 2;
        return obj;
    }
}

public interface IProfileGrain : IGrainWithStringKey
{
    Task<ProfileState> Get();
}

public sealed class ProfileGrain([PersistentState("profile")] IPersistentState<ProfileState> profile) : Grain, IProfileGrain
{
    public Task<ProfileState> Get() => Task.FromResult(profile.State);
}

public sealed class SchemaMigrationTests : ClusterTestBase
{
    protected override void Configure(InProcessTestClusterBuilder builder)
        => builder.ConfigureServices(s => s.AddSingleton<IStateMigration<ProfileState>, ProfileMigration>());

    [Fact]
    public async Task OlderSchemaVersion_IsMigratedOnRead()
    {
        await Cluster.Storage.WriteAsync(new GrainStateKey("profile", "p", "profile"), "{\"fullName\":\"Ada\"}", 1, null, []);

        var state = await Client.GetGrain<IProfileGrain>("p").Get();

        Assert.Equal(new ProfileState("Ada", 2), state);
    }

    [Fact]
    public async Task NewerSchemaVersion_FailsActivation()
    {
        await Cluster.Storage.WriteAsync(new GrainStateKey("profile", "future", "profile"), "{}", 9, null, []);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.GetGrain<IProfileGrain>("future").Get());
        Assert.Contains("schema version 9", error.Message, StringComparison.Ordinal);
    }
}
