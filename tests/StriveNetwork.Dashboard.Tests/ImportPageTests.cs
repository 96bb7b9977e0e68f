using Microsoft.Playwright;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// The import page end to end: a valid CSV shows progress and <c>applied</c>, the same file again <c>unchanged</c>, a
/// file with a bad row <c>rejected</c> with a problem report to download; another session cannot see the job (404).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ImportPageTests(DashboardFixture fixture) : IAsyncLifetime
{
    private const string IndicatorId = "import-page-reading";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "strive-import-page-" + Guid.NewGuid().ToString("N"));
    private string _partnershipId = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _partnershipId = fixture.Partnerships[0].PartnershipId;
        var (code, _) = await fixture.Channel.StatusOfAsync<DefineIndicatorRequest, DefineIndicatorResponse>(fixture.AdminToken, "IndicatorService/DefineIndicator", new DefineIndicatorRequest
        {
            PartnershipId = _partnershipId,
            IndicatorId = IndicatorId,
            Definition = new IndicatorDefinition
            {
                DisplayName = "Import page reading",
                Outcome = Outcome.EarlyGradeReading,
                Kind = IndicatorKind.Contributing,
                Polarity = Polarity.HigherIsBetter,
                Unit = Unit.Percent,
                BaselineYear = 2022,
                DefinitionVersion = 1,
            },
        });
        Assert.True(code is Grpc.Core.StatusCode.OK or Grpc.Core.StatusCode.AlreadyExists, $"DefineIndicator: {code}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_valid_file_is_applied_then_unchanged_and_a_bad_file_is_rejected_with_a_problem_report()
    {
        var token = await fixture.PartnershipTokenAsync(_partnershipId);
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_valid_file_is_applied_then_unchanged_and_a_bad_file_is_rejected_with_a_problem_report), token);
        var good = Path.Combine(_dir, "good.csv");
        await File.WriteAllTextAsync(good, "Year,Gender,Population,N,D\n2023,All,All Students,420,1000\n2024,All,All Students,450,1000\n2024,Female,Asian,10,12\n");

        var first = await ImportAsync(visit, good);
        Assert.Equal("applied", first);
        Assert.Equal("3", await visit.TextAsync("import-applied"));
        Assert.Equal("1", await visit.Page.GetByTestId("import-progress").EvaluateAsync<string>("p => String(p.value / p.max)"));
        var firstJob = visit.Page.Url;

        Assert.Equal("unchanged", await ImportAsync(visit, good));

        var bad = Path.Combine(_dir, "bad.csv");
        await File.WriteAllTextAsync(bad, "Year,Gender,Population,N,D\n2023,All,All Students,420,1000\n2024,Female,Asian,15,12\n");
        Assert.Equal("rejected", await ImportAsync(visit, bad));
        Assert.Equal("1", await visit.TextAsync("import-problems"));
        var download = await visit.Page.RunAndWaitForDownloadAsync(() => visit.Page.GetByTestId("import-problems-download").ClickAsync());
        var report = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("row,column,value,reason", report, StringComparison.Ordinal);
        Assert.Contains("3,N,15,", report, StringComparison.Ordinal);

        // The first job's page again, without JS: the finished state is in the HTML.
        var again = await visit.Page.APIRequest.GetAsync(firstJob);
        Assert.Equal(200, again.Status);
        Assert.Contains(">applied<", await again.TextAsync(), StringComparison.Ordinal);

        var stored = await fixture.Channel.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(fixture.AdminToken, "IndicatorService/GetIndicator", new GetIndicatorRequest { PartnershipId = _partnershipId, IndicatorId = IndicatorId });
        Assert.Equal([2023, 2024], stored.Indicator.Years);
    }

    [Fact]
    public async Task Another_session_cannot_see_a_job_or_its_problem_report()
    {
        var token = await fixture.PartnershipTokenAsync(_partnershipId);
        string jobPath;
        await using (var visit = await PageVisit.SignedInAsync(fixture, nameof(Another_session_cannot_see_a_job_or_its_problem_report) + "-owner", token))
        {
            var bad = Path.Combine(_dir, "other-bad.csv");
            await File.WriteAllTextAsync(bad, "Year,Gender,Population,N,D\n2023,All,All Students,20,10\n");
            Assert.Equal("rejected", await ImportAsync(visit, bad));
            jobPath = new Uri(visit.Page.Url).AbsolutePath;
        }

        // A second sign-in is another session, even with the same token; an admin's session too.
        foreach (var (name, other) in new[] { ("same-token", token), ("admin", fixture.AdminToken) })
        {
            await using var visit = await PageVisit.SignedInAsync(fixture, nameof(Another_session_cannot_see_a_job_or_its_problem_report) + "-" + name, other);
            visit.ExpectStatus(404);
            await Task.Delay(1100); // a sign-in in the same second as the owner's would be the same session key
            Assert.Equal(404, (await visit.GotoAsync(jobPath)).Status);
            Assert.Equal(404, (await visit.Page.APIRequest.GetAsync(jobPath + "/problems.csv")).Status);
            Assert.Equal(404, (await visit.Page.APIRequest.GetAsync(jobPath + "/events")).Status);
        }
    }

    [Fact]
    public async Task A_partnership_token_cannot_import_into_another_partnership()
    {
        var token = await fixture.PartnershipTokenAsync(_partnershipId);
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_partnership_token_cannot_import_into_another_partnership), token);
        visit.ExpectStatus(400);
        var file = Path.Combine(_dir, "elsewhere.csv");
        await File.WriteAllTextAsync(file, "Year,Gender,Population,N,D\n2023,All,All Students,1,10\n");
        await visit.GotoAsync("/import");
        Assert.Equal(_partnershipId, await visit.Page.GetByLabel("Partnership id").InputValueAsync());

        // The field is read-only for a partnership token; a crafted form naming another partnership is refused.
        await visit.Page.GetByLabel("Partnership id").EvaluateAsync("(e, id) => { e.readOnly = false; e.value = id; }", fixture.Partnerships[^1].PartnershipId);
        await visit.Page.GetByLabel("File (.csv or .xlsx)").SetInputFilesAsync(file);
        var response = await visit.Page.RunAndWaitForResponseAsync(
            () => visit.Page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(400, response.Status);
        Assert.Contains("own partnership", await visit.TextAsync("import-problem"), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Partnerships[^1].PartnershipId, await response.TextAsync(), StringComparison.Ordinal);
    }

    /// <summary>Submits the form with the file and waits (bounded) for the job page's outcome, which it returns.</summary>
    private async Task<string> ImportAsync(PageVisit visit, string file)
    {
        await visit.GotoAsync("/import");
        await visit.Page.GetByLabel("File (.csv or .xlsx)").SetInputFilesAsync(file);
        await visit.Page.GetByLabel("Indicator id", new() { Exact = false }).FillAsync(IndicatorId);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await visit.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/import/[A-Za-z0-9_-]{22}$"));
        await Assertions.Expect(visit.Page.GetByTestId("import-progress")).ToHaveCountAsync(1);
        var outcome = visit.Page.GetByTestId("import-outcome");
        await Assertions.Expect(outcome).Not.ToHaveTextAsync("running", new() { Timeout = 60_000 });
        return (await outcome.InnerTextAsync()).Trim();
    }
}
