using System.Globalization;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// Command line of the freshness client: <c>--address http://127.0.0.1:PORT --token-file FILE [--rate 2000]
/// [--seconds 10] [--rounds 3] [--warmup-rounds 1] [--seed-concurrency 8] [--settle-seconds 60]</c>. Every value is bounded, so a typo
/// cannot start an unbounded run.
/// </summary>
public sealed record FreshnessOptions(Uri Address, string TokenFile, int Rate, int Seconds, int Rounds, int WarmupRounds, int SeedConcurrency, int SettleSeconds)
{
    /// <summary>Core indicators per (partnership, outcome): two, so that each flip moves the outcome's count (see <see cref="Slot"/>).</summary>
    public const int IndicatorsPerOutcome = 2;

    /// <summary>Writes of one round: every slot once.</summary>
    public int WritesPerRound => Rate * Seconds;

    /// <summary>Partnerships needed so that every write of a round goes to a different slot.</summary>
    public int Partnerships => (WritesPerRound + (Slot.Outcomes.Length * IndicatorsPerOutcome) - 1) / (Slot.Outcomes.Length * IndicatorsPerOutcome);

    public static FreshnessOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback, int min, int max)
        {
            if (!values.TryGetValue(name, out var text))
            {
                return fallback;
            }

            var value = int.Parse(text, CultureInfo.InvariantCulture);
            return value >= min && value <= max ? value : throw new ArgumentException($"--{name} {value} is not within {min}..{max}");
        }

        var address = new Uri(Required("address"));
        if (!address.IsLoopback)
        {
            throw new ArgumentException("--address must be a loopback address: the benchmark only talks to a local silo");
        }

        return new FreshnessOptions(
            address,
            Required("token-file"),
            Int("rate", 2000, 1, 20_000),
            Int("seconds", 10, 1, 120),
            Int("rounds", 3, 1, 21),
            Int("warmup-rounds", 1, 0, 3),
            Int("seed-concurrency", 8, 1, 256),
            Int("settle-seconds", 60, 1, 600));
    }
}
