using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// Registers the benchmark's partnerships on an empty silo, each with its <see cref="Slot"/>s: two core indicators
/// per outcome, each with a baseline and an improved latest year, so that every outcome starts with every
/// partnership IMPROVED.
/// </summary>
public sealed class NetworkSeed(CallInvoker invoker, Metadata headers)
{
    private readonly PartnershipService.PartnershipServiceClient _partnerships = new(invoker);
    private readonly IndicatorService.IndicatorServiceClient _indicators = new(invoker);

    public async Task SeedAsync(int partnerships, int concurrency, CancellationToken cancellationToken)
    {
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, partnerships),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (p, ct) =>
            {
                await SeedPartnershipAsync(p, ct).ConfigureAwait(false);
                var n = Interlocked.Increment(ref done);
                if (n % 250 == 0 || n == partnerships)
                {
                    Console.Error.WriteLine($"freshness: seeded {n}/{partnerships} partnerships");
                }
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a seeding call again when the connection broke (on 2 shared cores under other load, Kestrel may drop a
    /// starved connection): every seeding call is idempotent (a repeated registration answers ALREADY_EXISTS, a
    /// repeated definition UNCHANGED, repeated observations replace themselves).
    /// </summary>
    private static async Task RetryAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists && attempt > 1)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && attempt < 5)
            {
                Console.Error.WriteLine($"freshness: seeding call failed ({e.StatusCode}), attempt {attempt} of 5");
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SeedPartnershipAsync(int index, CancellationToken cancellationToken)
    {
        var id = Slot.PartnershipIdOf(index);
        await RetryAsync(async () => await _partnerships.RegisterPartnershipAsync(
            new RegisterPartnershipRequest
            {
                PartnershipId = id,
                Profile = new PartnershipProfile
                {
                    DisplayName = $"Freshness bench partnership {index}",
                    UsState = "OH",
                    GeographicScope = new GeographicScope { Level = GeographicScopeLevel.County, Description = "Bench County" },
                    FrameworkId = "toa-6g",
                },
            },
            headers,
            cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var slot in Slot.All(1).Select(s => s with { Partnership = index }))
        {
            var outcome = Slot.Outcomes[slot.OutcomeIndex];
            await RetryAsync(async () => await _indicators.DefineIndicatorAsync(
                new DefineIndicatorRequest
                {
                    PartnershipId = id,
                    IndicatorId = slot.IndicatorId,
                    Definition = new IndicatorDefinition
                    {
                        DisplayName = $"Bench indicator {slot.IndicatorId}",
                        Outcome = outcome,
                        AdjacentSectorDescription = outcome == Outcome.AdjacentSector ? "families with stable housing" : string.Empty,
                        Kind = IndicatorKind.Core,
                        Polarity = Polarity.HigherIsBetter,
                        Unit = Unit.Percent,
                        BaselineYear = Slot.BaselineYear,
                        DefinitionVersion = 1,
                        TaxonomyVersion = "CIA-2024",
                    },
                },
                headers,
                cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            await RetryAsync(async () => await _indicators.SubmitObservationsAsync(
                new SubmitObservationsRequest
                {
                    PartnershipId = id,
                    IndicatorId = slot.IndicatorId,
                    Observations = { Slot.Cell(Slot.BaselineYear, Slot.BaselineMet), Slot.Cell(Slot.LatestYear, Slot.ImprovedMet) },
                },
                headers,
                cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }
}
