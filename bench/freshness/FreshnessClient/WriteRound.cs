using System.Diagnostics;
using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// One measured round: every slot written once, in a shuffled order, towards one direction (improved → worsened or
/// back), at scheduled send times <c>t0 + i / rate</c> (open loop: a slow server shows as latency and a growing
/// number of calls in flight, not as a lower rate), while <see cref="RollupWatch"/> records the stream.
/// </summary>
/// <remarks>
/// Mapping a watch message back to writes: within a round the outcome's flip counter (<see cref="RollupSample.Flips"/>)
/// rises by exactly one per reflected write of that outcome and never falls (checked). The j-th acknowledged write of
/// an outcome (in reply order) counts as reflected by the first message whose counter reaches j, i.e. the first
/// message showing at least as many of that outcome's writes as had been acknowledged when its reply arrived. That is
/// exact when the rollup takes an outcome's writes in reply order. When it takes a later-acknowledged write B before
/// an earlier one A, the two message times are paired in sorted order, which understates the later of the two by
/// at most the gap between A's and B's replies (and overstates the other by as much). Every write's effect is
/// checked to arrive exactly once (the counter ends at the number of writes) and the final rollup against
/// RecomputeNetworkRollup.
/// </remarks>
public sealed class WriteRound(IndicatorService.IndicatorServiceClient client, Metadata headers, FreshnessOptions options)
{
    private const int MaxInFlight = 20_000;

    public async Task<RoundResult> RunAsync(int round, Slot[] slots, bool toWorsened, RollupWatch watch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(watch);
        var partnerships = options.Partnerships;
        var perOutcome = partnerships * FreshnessOptions.IndicatorsPerOutcome;
        await WaitForAsync(watch, s => AllOutcomes(o => s.Flips(o, toWorsened) == 0 && (toWorsened ? s.Improved[o] : s.Worsened[o]) == partnerships), "the round's starting state", cancellationToken).ConfigureAwait(false);
        var firstSample = watch.Count - 1; // the starting state itself: counter 0

        var n = slots.Length;
        var met = toWorsened ? Slot.WorsenedMet : Slot.ImprovedMet;
        var requests = slots.Select(s => new SubmitObservationsRequest
        {
            PartnershipId = s.PartnershipId,
            IndicatorId = s.IndicatorId,
            Observations = { Slot.Cell(Slot.LatestYear, met) },
        }).ToArray();
        var due = new long[n];
        var sent = new long[n];
        var replied = new long[n];
        var failed = new StatusCode?[n];
        var inFlight = 0;
        var completed = 0;
        var allReplied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interval = (double)Stopwatch.Frequency / options.Rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
        for (var i = 0; i < n; i++)
        {
            due[i] = start + (long)(i * interval);
        }

        void Completed(int i, Task<SubmitObservationsResponse> task)
        {
            replied[i] = Stopwatch.GetTimestamp();
            if (!task.IsCompletedSuccessfully)
            {
                failed[i] = task.Exception?.InnerException is RpcException rpc ? rpc.StatusCode : StatusCode.Unknown;
            }
            else if (task.Result.AcceptedCount != 1)
            {
                failed[i] = StatusCode.Internal;
            }

            Interlocked.Decrement(ref inFlight);
            if (Interlocked.Increment(ref completed) == n)
            {
                allReplied.TrySetResult();
            }
        }

        // The scheduler runs on its own thread and only starts calls (the HTTP/2 send happens on the pool), so its
        // sends stay on schedule; how far they fell behind is reported (max send lag). Between sends it sleeps, at
        // least 1 ms, and then starts every call that fell due meanwhile: a scheduler that spun (Thread.Yield) until
        // the next call was due took CPU from the silo on the same two cores. Freshness is timed from each reply, so
        // starting a call up to about a millisecond late does not change what is measured.
        var overloaded = false;
        var scheduler = new Thread(() =>
        {
            for (var next = 0; next < n;)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < n && due[next] <= now)
                {
                    if (Volatile.Read(ref inFlight) >= MaxInFlight)
                    {
                        overloaded = true;
                        for (; next < n; next++)
                        {
                            Completed(next, Task.FromException<SubmitObservationsResponse>(new RpcException(new Status(StatusCode.ResourceExhausted, "client: too many calls in flight"))));
                        }

                        return;
                    }

                    var i = next++;
                    Interlocked.Increment(ref inFlight);
                    sent[i] = Stopwatch.GetTimestamp();
                    client.SubmitObservationsAsync(requests[i], headers, DateTime.UtcNow.AddSeconds(60), cancellationToken).ResponseAsync
                        .ContinueWith(t => Completed(i, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                if (next < n)
                {
                    var wait = (due[next] - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                    Thread.Sleep((int)Math.Max(1, wait - 1));
                }
            }
        })
        { IsBackground = true, Name = "freshness-scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await allReplied.Task.WaitAsync(TimeSpan.FromSeconds(options.Seconds + 120), cancellationToken).ConfigureAwait(false);
        scheduler.Join();
        if (overloaded)
        {
            Console.Error.WriteLine($"freshness: round {round}: more than {MaxInFlight} calls in flight; the rest of the round counted as failed");
        }

        var errors = failed.Count(f => f is not null);
        if (errors == 0)
        {
            await WaitForAsync(watch, s => AllOutcomes(o => s.Flips(o, toWorsened) == perOutcome), "every write of the round in the rollup", cancellationToken).ConfigureAwait(false);
        }

        var samples = watch.Since(firstSample);
        var freshness = new List<double>(n);
        var early = 0;
        for (var o = 0; o < Slot.Outcomes.Length; o++)
        {
            for (var k = 1; k < samples.Length; k++)
            {
                if (samples[k].Flips(o, toWorsened) < samples[k - 1].Flips(o, toWorsened))
                {
                    throw new InvalidOperationException($"round {round}: the flip counter of {Slot.Outcomes[o]} fell from version {samples[k - 1].Version} to {samples[k].Version}");
                }
            }

            var acks = Enumerable.Range(0, n).Where(i => slots[i].OutcomeIndex == o && failed[i] is null).Select(i => replied[i]).Order().ToArray();
            var m = 0;
            for (var j = 0; j < acks.Length; j++)
            {
                while (m < samples.Length && samples[m].Flips(o, toWorsened) < j + 1)
                {
                    m++;
                }

                if (m == samples.Length)
                {
                    break; // only when a failed call was applied or the settle wait gave up: reported as an error
                }

                var ms = (samples[m].Timestamp - acks[j]) * 1000.0 / Stopwatch.Frequency;
                if (ms < 0)
                {
                    early++;
                }

                freshness.Add(Math.Max(0, ms));
            }
        }

        var missing = n - errors - freshness.Count;
        freshness.Sort();
        var replies = Enumerable.Range(0, n).Where(i => failed[i] is null).Select(i => (replied[i] - sent[i]) * 1000.0 / Stopwatch.Frequency).Order().ToList();
        var errorSummary = string.Join(", ", failed.Where(f => f is not null).GroupBy(f => f!.Value).Select(g => $"{g.Key} × {g.Count()}"));
        if (missing != 0)
        {
            errorSummary += $"{(errorSummary.Length > 0 ? ", " : string.Empty)}{missing} acknowledged writes never reflected";
        }

        var lastSend = sent.Max();
        var lastReply = replied.Max();
        return new RoundResult(
            round,
            toWorsened ? "improved → worsened" : "worsened → improved",
            n,
            n - errors,
            errors + Math.Max(0, missing),
            errorSummary,
            (n - 1) * (double)Stopwatch.Frequency / Math.Max(1, lastSend - sent[0]),
            (n - errors) * (double)Stopwatch.Frequency / Math.Max(1, lastReply - sent[0]),
            Enumerable.Range(0, n).Max(i => sent[i] - due[i]) * 1000.0 / Stopwatch.Frequency,
            Percentile(freshness, 0.50),
            Percentile(freshness, 0.99),
            freshness.Count > 0 ? freshness[^1] : double.NaN,
            early,
            samples.Length - 1,
            Percentile(replies, 0.50),
            Percentile(replies, 0.99));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static bool AllOutcomes(Func<int, bool> condition) => Enumerable.Range(0, Slot.Outcomes.Length).All(condition);

    private async Task WaitForAsync(RollupWatch watch, Func<RollupSample, bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (options.SettleSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (watch.Failure is { } failure)
            {
                throw new InvalidOperationException("the watch stream failed", failure);
            }

            if (watch.Latest is { } latest && condition(latest))
            {
                return;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        var last = watch.Latest;
        throw new TimeoutException($"no watch message showed {what} within {options.SettleSeconds} s (last: version {last?.Version}, improved [{string.Join(',', last?.Improved ?? [])}], maintained [{string.Join(',', last?.Maintained ?? [])}], worsened [{string.Join(',', last?.Worsened ?? [])}])");
    }
}
