using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains.Abstractions;
using GrainProfile = StriveNetwork.Grains.Abstractions.PartnershipProfile;
using GrainScope = StriveNetwork.Grains.Abstractions.GeographicScopeLevel;

namespace StriveNetwork.Silo.Tests;

/// <summary>A store with partnership "alpha" and one viewer token, shared by the bad-input tests (which must not change it).</summary>
public sealed class PreparedStore : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string BaseDirectory => _dir.Path;

    public string DataDir => _dir.Sub("data");

    public async Task InitializeAsync()
    {
        await TokenCommandsTests.RegisterPartnershipAsync(DataDir, "alpha");
        var (code, _, error) = await InProcessCli.RunFreshAsync(BaseDirectory, "tokens", "issue", "--role", "viewer", "--label", "existing", "--data-dir", DataDir);
        Assert.True(code == 0, error);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The offline <c>tokens issue|list|revoke</c> commands, in-process, checked against a real silo afterwards.</summary>
public sealed partial class TokenCommandsTests(PreparedStore store) : IClassFixture<PreparedStore>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task IssuedTokensWork_RevokedOnesAreUnauthenticated_OnASiloStartedAfterwards()
    {
        var dataDir = _dir.Sub("data");
        var viewer = await IssueAsync(dataDir, "--role", "viewer", "--label", "x");
        var admin = await IssueAsync(dataDir, "--role", "admin", "--label", "second admin");
        var revoked = await IssueAsync(dataDir, "--role", "viewer", "--label", "to revoke");

        var (code, output, error) = await RunAsync("tokens", "revoke", revoked.Id, "--reason", "lost laptop", "--data-dir", dataDir);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Matches($"^revoked {revoked.Id} at \\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$", output.TrimEnd());

        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir);
        var port = await silo.WaitForReadyAsync();

        // The store already holds tokens, so there is no bootstrap token.
        Assert.DoesNotContain(silo.StdoutLines, l => l.Contains("token", StringComparison.OrdinalIgnoreCase));
        using var client = new StriveClient(port);
        Assert.Equal(0, (await client.RollupAsync(viewer.Secret)).Rollup.PartnershipCount);
        Assert.Equal(StatusCode.PermissionDenied, (await client.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(viewer.Secret, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
        {
            PartnershipId = "by-viewer",
            Profile = SiloProcessTests.Profile("By Viewer"),
        })).Code);
        await client.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(admin.Secret, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
        {
            PartnershipId = "by-admin",
            Profile = SiloProcessTests.Profile("By Admin"),
        });
        Assert.Equal(StatusCode.Unauthenticated, (await client.RollupStatusAsync(revoked.Secret)).Code);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Issue_PrintsTheIdAndTheSecretExactlyOnce()
    {
        var dataDir = _dir.Sub("data");
        var (code, output, error) = await RunAsync("tokens", "issue", "--role", "viewer", "--label", "x", "--data-dir", dataDir);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^token id: tok_[0-9A-Z]{26}$", lines[0]);
        Assert.StartsWith("token: ", lines[1], StringComparison.Ordinal);
        var secret = lines[1]["token: ".Length..];
        Assert.True(TokenSecrets.HasSecretShape(secret));
        Assert.Single(Regex.Matches(output, Regex.Escape(secret)));

        // The secret is not recoverable afterwards: list shows neither it nor its hash.
        var (_, list, _) = await RunAsync("tokens", "list", "--data-dir", dataDir);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenSecrets.Hash(secret), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsIdsRolesPartnershipAndState_NeverSecretsOrHashes()
    {
        var dataDir = _dir.Sub("data");
        await RegisterPartnershipAsync(dataDir, "beta");
        var admin = await IssueAsync(dataDir, "--role", "admin", "--label", "ops admin");
        var viewer = await IssueAsync(dataDir, "--role", "viewer");
        var partner = await IssueAsync(dataDir, "--role", "partnership", "--partnership", "beta", "--label", "beta system");
        Assert.Equal(0, (await RunAsync("tokens", "revoke", viewer.Id, "--data-dir", dataDir)).Code);

        var (code, output, error) = await RunAsync("tokens", "list", "--data-dir", dataDir);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(5, r.Length));
        var byId = rows.ToDictionary(r => r[0]);
        Assert.Equal(["NetworkAdmin", "-"], byId[admin.Id][1..3]);
        Assert.StartsWith("expires ", byId[admin.Id][3], StringComparison.Ordinal);
        Assert.Equal("ops admin", byId[admin.Id][4]);
        Assert.Equal(["NetworkViewer", "-"], byId[viewer.Id][1..3]);
        Assert.StartsWith("revoked ", byId[viewer.Id][3], StringComparison.Ordinal);
        Assert.StartsWith("issued by the silo admin command on ", byId[viewer.Id][4], StringComparison.Ordinal);
        Assert.Equal(["Partnership", "beta"], byId[partner.Id][1..3]);
        Assert.Equal("beta system", byId[partner.Id][4]);

        Assert.DoesNotContain("snt_", output, StringComparison.Ordinal);
        Assert.DoesNotMatch("[0-9a-fA-F]{64}", output);
        foreach (var secret in new[] { admin.Secret, viewer.Secret, partner.Secret })
        {
            Assert.DoesNotContain(TokenSecrets.Hash(secret), output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task List_OfAnEmptyStore_PrintsNothing()
    {
        var (code, output, error) = await RunAsync("tokens", "list", "--data-dir", _dir.Sub("data"));

        Assert.Equal(0, code);
        Assert.Equal("", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Revoke_IsIdempotent()
    {
        var dataDir = _dir.Sub("data");
        var viewer = await IssueAsync(dataDir, "--role", "viewer");
        var first = await RunAsync("tokens", "revoke", viewer.Id, "--data-dir", dataDir);
        var second = await RunAsync("tokens", "revoke", viewer.Id, "--data-dir", dataDir);

        Assert.Equal(0, first.Code);
        Assert.Equal(0, second.Code);
        Assert.Equal(first.Output, second.Output);
    }

    public static TheoryData<string[], int, string> BadInputs => new()
    {
        { ["issue", "--role", "superuser"], 2, "--role must be admin, viewer or partnership (got 'superuser')" },
        { ["issue", "--role", "partnership"], 2, "--partnership is required with --role partnership and not allowed otherwise" },
        { ["issue", "--role", "viewer", "--partnership", "alpha"], 2, "--partnership is required with --role partnership and not allowed otherwise" },
        { ["issue", "--role", "admin", "--partnership", "alpha"], 2, "--partnership is required with --role partnership and not allowed otherwise" },
        { ["issue", "--role", "partnership", "--partnership", "nope"], 1, "Partnership 'nope' does not exist." },
        { ["issue", "--role", "viewer", "--label", new string('x', 201)], 2, "--label must be 1..200 characters (got 201)" },
        { ["issue", "--role", "viewer", "--label", "   "], 2, "--label must be 1..200 characters (got 3)" },
        { ["revoke", "tok_00000000000000000000000000"], 1, "Token 'tok_00000000000000000000000000' does not exist." },
        { ["revoke", "not-a-token"], 1, "Token 'not-a-token' does not exist." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ClearMessageNonZeroExit_StoreUnchanged(string[] args, int expectedCode, string message)
    {
        var before = await ListAsync(store.DataDir);
        var (code, output, error) = await InProcessCli.RunFreshAsync(store.BaseDirectory, ["tokens", .. args, "--data-dir", store.DataDir]);

        Assert.Equal(expectedCode, code);
        Assert.Equal(message, error.TrimEnd());
        Assert.Equal("", output);
        Assert.Equal(before, await ListAsync(store.DataDir));
        Assert.Single(before.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("issue")]
    [InlineData("revoke")]
    public async Task MissingRequiredArgument_IsAParseError_StoreUnchanged(string command)
    {
        var before = await ListAsync(store.DataDir);
        var (code, output, error) = await InProcessCli.RunFreshAsync(store.BaseDirectory, "tokens", command, "--data-dir", store.DataDir);

        Assert.NotEqual(0, code);
        Assert.Contains(command == "issue" ? "Option '--role' is required" : "Required argument missing for command: 'revoke'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("token: ", output, StringComparison.Ordinal);
        Assert.Equal(before, await ListAsync(store.DataDir));
    }

    [Fact]
    public async Task IssueForAnExistingPartnership_Succeeds()
    {
        var dataDir = _dir.Sub("data");
        await RegisterPartnershipAsync(dataDir, "gamma");
        var (code, output, error) = await RunAsync("tokens", "issue", "--role", "PARTNERSHIP", "--partnership", "gamma", "--data-dir", dataDir);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("token: snt_", output, StringComparison.Ordinal);
        Assert.Contains("\tPartnership\tgamma\t", await ListAsync(dataDir), StringComparison.Ordinal);
    }

    internal static async Task RegisterPartnershipAsync(string dataDir, string partnershipId)
    {
        var options = new SiloOptions { DataDir = dataDir };
        var code = await SiloHost.RunCommandAsync(options, async (services, ct) =>
        {
            await services.GetRequiredService<IGrainFactory>().GetGrain<IPartnershipGrain>(partnershipId).RegisterAsync(
                new GrainProfile("Partnership " + partnershipId, "OH", GrainScope.County, "Test County", null, [], [], "toa-6g"), cancellationToken: ct);
            return 0;
        });
        Assert.Equal(0, code);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => InProcessCli.RunFreshAsync(_dir.Path, args);

    private async Task<string> ListAsync(string dataDir)
    {
        var (code, output, error) = await InProcessCli.RunFreshAsync(_dir.Path, "tokens", "list", "--data-dir", dataDir);
        Assert.True(code == 0, error);
        return output;
    }

    private async Task<(string Id, string Secret)> IssueAsync(string dataDir, params string[] args)
    {
        var (code, output, error) = await RunAsync(["tokens", "issue", .. args, "--data-dir", dataDir]);
        Assert.True(code == 0, error);
        var id = IdLine().Match(output);
        var secret = SecretLine().Match(output);
        Assert.True(id.Success && secret.Success, output);
        return (id.Groups[1].Value, secret.Groups[1].Value);
    }

    [GeneratedRegex(@"^token id: (tok_\S+)$", RegexOptions.Multiline)]
    private static partial Regex IdLine();

    [GeneratedRegex(@"^token: (snt_\S+)$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();
}
