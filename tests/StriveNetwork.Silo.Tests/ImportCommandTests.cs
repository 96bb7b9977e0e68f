using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// <c>silo import</c> end to end: the real silo process, the command run in-process as a client of its gRPC API with
/// the token in STRIVE_TOKEN. A bad file applies nothing; a good one is stored; the same file again is a replay
/// that the service answers without writing (the indicator's update time and the partnership's etag stay).
/// </summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Import_BadFileAppliesNothing_GoodFileIsStored_SecondImportIsUnchanged()
    {
        await using var silo = await CommandSilo.StartAsync(_dir, "import-town", "Import Town", CommandSilo.Reading());
        var (admin, client, environment) = (silo.Admin, silo.Client, silo.Environment);
        string[] Args(string file, params string[] more) => ["import", file, "--partnership", "import-town", "--address", silo.Address, .. more];

        var bad = _dir.Sub("bad.csv");
        await File.WriteAllTextAsync(bad, "Gender,Population,N 2023,D 2023,N 2024,D 2024\nAll,All Students,420,1000,450,1000\nFemale,Asian,15,12,,\n");
        var badRun = new InProcessCli(_dir.Path, environment);
        Assert.Equal(1, await badRun.RunAsync(Args(bad, "--indicator", "grade3-reading", "--layout", "wide")));
        Assert.Contains("1 problem(s) in 2 row(s); nothing was applied", badRun.Output.ToString());
        Assert.Contains("3,N 2023,15,Numerator 15 is above denominator 12.", await File.ReadAllTextAsync(bad + ".errors.csv"));
        var empty = await client.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(admin, "IndicatorService/GetIndicator", new GetIndicatorRequest { PartnershipId = "import-town", IndicatorId = "grade3-reading" });
        Assert.Empty(empty.Series);

        var good = _dir.Sub("good.csv");
        await File.WriteAllTextAsync(good, "Gender,Population,N 2023,D 2023,N 2024,D 2024\nAll,All Students,420,1000,450,1000\nFemale,Asian,10,12,*,*\n");
        var first = new InProcessCli(_dir.Path, environment);
        Assert.Equal(0, await first.RunAsync(Args(good, "--indicator", "grade3-reading", "--layout", "wide")));
        Assert.Contains("imported 2 row(s): 4 observation(s) stored (0 replaced earlier values)", first.Output.ToString());
        Assert.Contains("applied 4 of 4 observation(s)", first.Output.ToString());
        var stored = await client.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(admin, "IndicatorService/GetIndicator", new GetIndicatorRequest { PartnershipId = "import-town", IndicatorId = "grade3-reading" });
        Assert.Equal([2023, 2024], stored.Indicator.Years);
        var total2024 = stored.Series.Single(y => y.Year == 2024).Cells.Single(c => c.Group.Gender == Gender.All && c.Group.Population == Population.AllStudents);
        Assert.Equal("45.0%", total2024.Rate.Shown.Display);

        var second = new InProcessCli(_dir.Path, environment);
        Assert.Equal(0, await second.RunAsync(Args(good, "--indicator", "grade3-reading", "--layout", "wide")));
        Assert.Contains("unchanged: 2 row(s), 4 observation(s); this file was imported before and the service changed nothing", second.Output.ToString());
        var after = await client.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(admin, "IndicatorService/GetIndicator", new GetIndicatorRequest { PartnershipId = "import-town", IndicatorId = "grade3-reading" });
        Assert.Equal(stored.Indicator.UpdateTime, after.Indicator.UpdateTime);

        var assessments = _dir.Sub("assessments.csv");
        await File.WriteAllTextAsync(assessments, "Benchmark,Status,Date,Assessor,Evidence\n6G-EXP-SCV-1,Met,2024-05-01,J. Smith,Charter signed\n");
        var recorded = new InProcessCli(_dir.Path, environment);
        Assert.Equal(0, await recorded.RunAsync(Args(assessments, "--assessments")));
        Assert.Contains("imported 1 row(s): 1 assessment(s) stored", recorded.Output.ToString());
        var again = new InProcessCli(_dir.Path, environment);
        Assert.Equal(0, await again.RunAsync(Args(assessments, "--assessments")));
        Assert.Contains("unchanged", again.Output.ToString());

        // No token in the environment: a usage error, nothing sent.
        var noToken = new InProcessCli(_dir.Path);
        Assert.Equal(2, await noToken.RunAsync(Args(good, "--indicator", "grade3-reading")));
        Assert.Contains("set STRIVE_TOKEN", noToken.Error.ToString());
        Assert.DoesNotContain(admin, first.Output + first.Error.ToString() + second.Output, StringComparison.Ordinal);
    }
}
