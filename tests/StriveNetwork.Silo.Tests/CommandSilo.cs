using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// The set-up the command tests share (<c>silo import</c>, <c>silo export</c>): a real silo process on a data directory
/// of <see cref="TempDir"/>, its admin token, a gRPC client, one registered partnership with the indicator
/// <see cref="Indicator"/> defined, and the environment and address a command run needs.
/// </summary>
public sealed class CommandSilo : IAsyncDisposable
{
    /// <summary>The indicator defined for the partnership.</summary>
    public const string Indicator = "grade3-reading";

    private readonly SiloProcess _silo;

    private CommandSilo(SiloProcess silo, int port)
    {
        _silo = silo;
        Admin = silo.AdminToken();
        Client = new StriveClient(port);
        Address = $"http://127.0.0.1:{port}";
        Environment = new Dictionary<string, string?> { ["STRIVE_TOKEN"] = Admin };
    }

    public string Admin { get; }

    public StriveClient Client { get; }

    /// <summary>The silo's gRPC address, for <c>--address</c>.</summary>
    public string Address { get; }

    /// <summary>The admin token in STRIVE_TOKEN, for an <see cref="InProcessCli"/>.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>Starts the silo, registers <paramref name="partnership"/> and defines <see cref="Indicator"/> with <paramref name="definition"/>.</summary>
    public static async Task<CommandSilo> StartAsync(TempDir dir, string partnership, string displayName, IndicatorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var process = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dir.Sub("data"));
        CommandSilo? silo = null;
        try
        {
            silo = new CommandSilo(process, await process.WaitForReadyAsync());
            await silo.Client.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(silo.Admin, "PartnershipService/RegisterPartnership",
                new RegisterPartnershipRequest { PartnershipId = partnership, Profile = SiloProcessTests.Profile(displayName) });
            await silo.Client.CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(silo.Admin, "IndicatorService/DefineIndicator",
                new DefineIndicatorRequest { PartnershipId = partnership, IndicatorId = Indicator, Definition = definition });
            return silo;
        }
        catch
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
            else
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A third grade reading indicator (core, percent, higher is better, baseline 2022, version 1).</summary>
    public static IndicatorDefinition Reading(string displayName = "Third grade reading") => new()
    {
        DisplayName = displayName,
        Outcome = Outcome.EarlyGradeReading,
        Kind = IndicatorKind.Core,
        Polarity = Polarity.HigherIsBetter,
        Unit = Unit.Percent,
        BaselineYear = 2022,
        DefinitionVersion = 1,
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _silo.DisposeAsync();
    }
}
