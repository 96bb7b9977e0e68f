using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The front door's <see cref="ResponseCache"/> on its own (docs/adr/0014): an entry is served only under the version
/// its grain's local activation announces now, on the date it was computed, and the cache stays within its bounds.
/// </summary>
public sealed class ResponseCacheTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly ActivationVersions _versions = new();
    private readonly FakeTimeProvider _clock = new(Noon);

    private ResponseCache Cache(ResponseCacheOptions? options = null) => new(_versions, Options.Create(options ?? new ResponseCacheOptions()), _clock);

    private static EncodedResponse Bytes(long label, int size = 8)
    {
        var bytes = new byte[Math.Max(size, 8)];
        BitConverter.TryWriteBytes(bytes, label);
        return new EncodedResponse(bytes);
    }

    private static long Label(EncodedResponse response) => BitConverter.ToInt64(response.Bytes);

    private static CachedRead Progress(string id) => CachedRead.Progress(id);

    [Fact]
    public void Entry_IsServedUnderTheAnnouncedVersion_AndNotAfterTheNextAnnouncement()
    {
        var cache = Cache();
        var read = Progress("alpha");
        _versions.Announce(read.Source, 1);
        var miss = cache.Find(read);
        Assert.Null(miss.Hit);
        cache.Keep(read, miss.Version, miss.Date, Bytes(1));
        Assert.Equal(1, Label(cache.Find(read).Hit!));

        // A write announces its version before its reply: a read after the reply never gets the older entry.
        _versions.Announce(read.Source, 2);
        Assert.Null(cache.Find(read).Hit);
    }

    [Fact]
    public void LateInsert_UnderAnOldVersion_IsNeverServed()
    {
        var cache = Cache();
        var read = Progress("alpha");
        _versions.Announce(read.Source, 1);
        var before = cache.Find(read); // a read starts and calls the grain...
        _versions.Announce(read.Source, 2); // ...a write commits and replies...
        cache.Keep(read, before.Version, before.Date, Bytes(1)); // ...and the read stores its answer late.
        Assert.Null(cache.Find(read).Hit);

        var current = cache.Find(read);
        cache.Keep(read, current.Version, current.Date, Bytes(2));
        cache.Keep(read, before.Version, before.Date, Bytes(1)); // a later late insert does not replace the current entry
        Assert.Equal(2, Label(cache.Find(read).Hit!));
    }

    [Fact]
    public void Key_WithoutALocalActivation_IsNeverServed()
    {
        var cache = Cache();
        var read = Progress("alpha");
        var miss = cache.Find(read);
        cache.Keep(read, miss.Version, miss.Date, Bytes(0));
        Assert.Null(cache.Find(read).Hit);
        Assert.Equal(0, cache.Count);

        _versions.Announce(read.Source, 5);
        var held = cache.Find(read);
        cache.Keep(read, held.Version, held.Date, Bytes(5));
        Assert.NotNull(cache.Find(read).Hit);

        // Deactivation withdraws the key: nothing is served for it, and a new activation's version never matches.
        _versions.Withdraw(read.Source, 5);
        Assert.False(_versions.TryGet(read.Source, out _));
        Assert.Null(cache.Find(read).Hit);
        _versions.Announce(read.Source, 6);
        Assert.Null(cache.Find(read).Hit);
    }

    [Fact]
    public void Withdraw_OfAnEarlierVersion_KeepsTheLaterAnnouncement()
    {
        var source = Progress("alpha").Source;
        _versions.Announce(source, 3);
        _versions.Announce(source, 2); // versions only move forward
        _versions.Withdraw(source, 2);
        Assert.True(_versions.TryGet(source, out var version));
        Assert.Equal(3, version);
        Assert.True(ActivationVersions.Next() < ActivationVersions.Next());
    }

    [Fact]
    public void Entry_OfAnotherDay_IsNotServed()
    {
        var cache = Cache();
        var read = Progress("alpha");
        _versions.Announce(read.Source, 1);
        var miss = cache.Find(read);
        cache.Keep(read, miss.Version, miss.Date, Bytes(1));
        _clock.Advance(TimeSpan.FromHours(12)); // midnight UTC: progress is evaluated as of the new day
        Assert.Null(cache.Find(read).Hit);

        // An answer computed on one day and stored on the next is not kept.
        var yesterday = miss.Date;
        cache.Keep(read, 1, yesterday, Bytes(1));
        Assert.Null(cache.Find(read).Hit);
    }

    [Fact]
    public void Cache_StaysWithinItsEntriesAndBytes_DroppingTheLeastRecentlyUsed()
    {
        var cache = Cache(new ResponseCacheOptions { MaxEntries = 3, MaxBytes = 3 * (100 + ResponseCache.EntryOverheadBytes), MaxEntryBytes = 150 });
        var reads = Enumerable.Range(0, 5).Select(i => Progress("p" + i)).ToList();
        foreach (var (read, i) in reads.Select((r, i) => (r, i)))
        {
            _versions.Announce(read.Source, i + 1);
        }

        void Put(CachedRead read, int size)
        {
            var miss = cache.Find(read);
            cache.Keep(read, miss.Version, miss.Date, Bytes(0, size));
        }

        Put(reads[0], 100);
        Put(reads[1], 100);
        Put(reads[2], 100);
        Assert.NotNull(cache.Find(reads[0]).Hit); // p0 is now the most recently used
        Put(reads[3], 100);
        Assert.Equal(3, cache.Count);
        Assert.Null(cache.Find(reads[1]).Hit); // the least recently used went first
        Assert.NotNull(cache.Find(reads[0]).Hit);

        Put(reads[4], 151); // larger than MaxEntryBytes: answered, not kept
        Assert.Null(cache.Find(reads[4]).Hit);
        Assert.InRange(cache.Bytes, 0, 3 * (100 + ResponseCache.EntryOverheadBytes));

        var off = Cache(new ResponseCacheOptions { MaxEntries = 0 });
        var lookup = off.Find(reads[0]);
        off.Keep(reads[0], reads[0].Source.Key == "p0" ? 1 : 0, lookup.Date, Bytes(1));
        Assert.Null(off.Find(reads[0]).Hit);
        Assert.Equal(0, off.Count);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedNamingTheirKeys()
    {
        Assert.Empty(new ResponseCacheOptions().Validate());
        Assert.Empty(new ResponseCacheOptions { MaxEntries = 0 }.Validate());
        var problems = new ResponseCacheOptions { MaxEntries = -1, MaxBytes = -5, MaxEntryBytes = 0 }.Validate();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Strive:ResponseCache:MaxEntries", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Strive:ResponseCache:MaxBytes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Strive:ResponseCache:MaxEntryBytes", StringComparison.Ordinal));
        Assert.Single(new ResponseCacheOptions { MaxBytes = 100, MaxEntryBytes = 101 }.Validate());
    }

    /// <summary>
    /// Any interleaving of announcements, withdrawals, lookups and stores (a store carrying the version its lookup saw,
    /// however many steps later) never serves an entry whose version differs from the one announced last.
    /// </summary>
    [Fact]
    public void AnyInterleaving_NeverServesAnEntryOfAnotherVersion()
    {
        var step = Gen.OneOf(
            Gen.Choose(0, 2).Select(k => (Op: 'a', Key: k, Slot: 0)), // announce a new version
            Gen.Choose(0, 2).Select(k => (Op: 'w', Key: k, Slot: 0)), // withdraw (deactivation)
            Gen.Choose(0, 2).SelectMany(k => Gen.Choose(0, 3).Select(s => (Op: 'f', Key: k, Slot: s))), // lookup, remembered in a slot
            Gen.Choose(0, 2).SelectMany(k => Gen.Choose(0, 3).Select(s => (Op: 's', Key: k, Slot: s)))); // store what a slot's lookup saw
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Gen.ListOf(step)), steps =>
        {
            var versions = new ActivationVersions();
            var cache = new ResponseCache(versions, Options.Create(new ResponseCacheOptions { MaxEntries = 2 }), _clock);
            var announced = new long?[3];
            var slots = new (CachedRead Read, ResponseCacheLookup Lookup)?[4];
            foreach (var (op, key, slot) in steps)
            {
                var read = Progress("k" + key);
                switch (op)
                {
                    case 'a':
                        announced[key] = ActivationVersions.Next();
                        versions.Announce(read.Source, announced[key]!.Value);
                        break;
                    case 'w' when announced[key] is { } v:
                        versions.Withdraw(read.Source, v);
                        announced[key] = null;
                        break;
                    case 'f':
                        var lookup = cache.Find(read);
                        if (lookup.Hit is { } hit && Label(hit) != announced[key])
                        {
                            return false;
                        }

                        slots[slot] = (read, lookup);
                        break;
                    case 's' when slots[slot] is { } seen:
                        // The grain answered with the state it holds now; the store carries the lookup's version.
                        var answer = versions.TryGet(seen.Read.Source, out var now) ? now : -1;
                        if (seen.Lookup.Cacheable)
                        {
                            cache.Keep(seen.Read, seen.Lookup.Version, seen.Lookup.Date, Bytes(answer));
                        }

                        break;
                }
            }

            return true;
        }));
    }
}
