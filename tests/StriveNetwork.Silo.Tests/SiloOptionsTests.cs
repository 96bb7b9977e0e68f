namespace StriveNetwork.Silo.Tests;

/// <summary>Settings: defaults, appsettings.json &lt; environment &lt; flags, and every refusal to start.</summary>
public sealed class SiloOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Defaults_WithoutAppsettingsEnvironmentOrFlags()
    {
        var (options, problems) = new InProcessCli(_dir.Path).Resolve();

        Assert.Empty(problems);
        Assert.Equal(5000, options.GrpcPort);
        Assert.Equal("./data", options.DataDir);
        Assert.Equal("sqlite", options.Storage);
        Assert.Null(options.Postgres);
        Assert.False(options.Demo);
        Assert.Equal(10, options.MinN);
        Assert.False(options.UsesPostgres);
        Assert.Equal(ClusterProfile.Embedded, options.Profile);
        Assert.Equal("strive", options.ClusterId);
        Assert.Equal("127.0.0.1", options.ListenAddress);
        Assert.Equal("127.0.0.1", options.AdvertiseAddress);
    }

    [Fact]
    public void ShippedAppsettings_MatchTheDocumentedDefaults()
    {
        // The appsettings.json next to the silo executable (copied into this test's output with it).
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        var (options, problems) = new InProcessCli(AppContext.BaseDirectory).Resolve();

        Assert.Empty(problems);
        Assert.Equal(5000, options.GrpcPort);
        Assert.Equal(5080, options.WebPort);
        Assert.Equal("./data", options.DataDir);
        Assert.Equal("sqlite", options.Storage);
        Assert.Equal("", options.Postgres);
        Assert.False(options.Demo);
        Assert.Equal(10, options.MinN);
    }

    public static TheoryData<string, string, string, string, string[], string> Settings => new()
    {
        // setting, appsettings JSON value, environment variable, environment value, flag, flag value as read back
        { "GrpcPort", "6001", "STRIVE_GRPC_PORT", "6002", ["--grpc-port", "6003"], "6003" },
        { "WebPort", "6101", "STRIVE_WEB_PORT", "6102", ["--web-port", "6103"], "6103" },
        { "DataDir", "\"file-dir\"", "STRIVE_DATA_DIR", "env-dir", ["--data-dir", "flag-dir"], "flag-dir" },
        { "Storage", "\"file-storage\"", "STRIVE_STORAGE", "env-storage", ["--storage", "flag-storage"], "flag-storage" },
        { "Postgres", "\"Host=file\"", "STRIVE_POSTGRES", "Host=env", ["--postgres", "Host=flag"], "Host=flag" },
        { "MinN", "5", "STRIVE_MIN_N", "6", ["--min-n", "7"], "7" },
        { "AdminTokenTtl", "\"12h\"", "STRIVE_ADMIN_TOKEN_TTL", "6h", ["--admin-token-ttl", "2h"], "2h" },
        { "AdminTokenFile", "\"file-secret\"", "STRIVE_ADMIN_TOKEN_FILE", "env-secret", ["--admin-token-file", "flag-secret"], "flag-secret" },
        { "ClusterId", "\"file-cluster\"", "STRIVE_CLUSTER_ID", "env-cluster", ["--cluster-id", "flag-cluster"], "flag-cluster" },
        { "ListenAddress", "\"10.0.0.1\"", "STRIVE_LISTEN_ADDRESS", "10.0.0.2", ["--listen-address", "0.0.0.0"], "0.0.0.0" },
        { "AdvertiseAddress", "\"10.0.0.1\"", "STRIVE_ADVERTISE_ADDRESS", "10.0.0.2", ["--advertise-address", "10.0.0.3"], "10.0.0.3" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void EachSetting_AppsettingsLoseToEnvironmentWhichLosesToFlags(string setting, string json, string variable, string envValue, string[] flag, string flagValue)
    {
        WriteAppsettings($"{{ \"Strive\": {{ \"{setting}\": {json} }} }}");
        var fileValue = json.Trim('"');
        var environment = new Dictionary<string, string?> { [variable] = envValue };

        Assert.Equal(fileValue, Read(new InProcessCli(_dir.Path).Resolve().Options, setting));
        Assert.Equal(envValue, Read(new InProcessCli(_dir.Path, environment).Resolve().Options, setting));
        Assert.Equal(flagValue, Read(new InProcessCli(_dir.Path, environment).Resolve(flag).Options, setting));
        Assert.Equal(flagValue, Read(new InProcessCli(_dir.Path).Resolve(flag).Options, setting));

        // Also under a subcommand: the flags are recursive.
        Assert.Equal(flagValue, Read(new InProcessCli(_dir.Path, environment).Resolve(["tokens", "list", .. flag]).Options, setting));
    }

    [Fact]
    public void Demo_AppsettingsLoseToEnvironmentWhichLosesToTheFlag()
    {
        WriteAppsettings("""{ "Strive": { "Demo": true } }""");
        var envOff = new Dictionary<string, string?> { ["STRIVE_DEMO"] = "false" };

        Assert.True(new InProcessCli(_dir.Path).Resolve().Options.Demo);
        Assert.False(new InProcessCli(_dir.Path, envOff).Resolve().Options.Demo);
        Assert.True(new InProcessCli(_dir.Path, envOff).Resolve("--demo").Options.Demo);

        WriteAppsettings("""{ "Strive": { "Demo": false } }""");
        Assert.True(new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_DEMO"] = "true" }).Resolve().Options.Demo);
        Assert.True(new InProcessCli(_dir.Path).Resolve("--demo").Options.Demo);
    }

    [Fact]
    public void EmptyEnvironmentVariable_CountsAsUnset()
    {
        WriteAppsettings("""{ "Strive": { "GrpcPort": 6001 } }""");
        var (options, problems) = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_GRPC_PORT"] = "" }).Resolve();

        Assert.Empty(problems);
        Assert.Equal(6001, options.GrpcPort);
    }

    [Fact]
    public void AzureStorage_TakesItsConnectionStringFromTheEnvironmentOrAFile_OrAnAccountForAManagedIdentity()
    {
        var fromEnvironment = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE"] = "UseDevelopmentStorage=true" }).Resolve("--storage", "azure");
        Assert.Empty(fromEnvironment.Problems);
        Assert.Equal(ClusterProfile.Azure, fromEnvironment.Options.Profile);
        Assert.Equal("UseDevelopmentStorage=true", fromEnvironment.Options.AzureStorageConnectionString);

        var file = Path.Combine(_dir.Path, "azure-storage");
        File.WriteAllText(file, "UseDevelopmentStorage=true\n");
        var fromFile = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE_FILE"] = file }).Resolve("--storage", "azure");
        Assert.Empty(fromFile.Problems);
        Assert.Equal("UseDevelopmentStorage=true", fromFile.Options.AzureStorageConnectionString);

        var account = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE_ACCOUNT"] = "strivenetwork" }).Resolve("--storage", "azure");
        Assert.Empty(account.Problems);
        Assert.Null(account.Options.AzureStorageConnectionString);

        var malformed = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE"] = "AccountKey=secret-key;no endpoints" }).Resolve("--storage", "azure");
        Assert.Contains(malformed.Problems, p => p.StartsWith("azure storage connection string is not valid: ", StringComparison.Ordinal));
        Assert.DoesNotContain(malformed.Problems, p => p.Contains("secret-key", StringComparison.Ordinal));

        var both = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE"] = "AccountKey=secret-key", ["STRIVE_AZURE_STORAGE_FILE"] = file }).Resolve("--storage", "azure");
        Assert.Contains("give the Azure Storage connection string either in STRIVE_AZURE_STORAGE or in STRIVE_AZURE_STORAGE_FILE, not both", both.Problems);
        Assert.DoesNotContain(both.Problems, p => p.Contains("secret-key", StringComparison.Ordinal));
    }

    [Fact]
    public void PostgresStorage_IsCaseInsensitiveAndNeedsNoDataDir()
    {
        var (options, problems) = new InProcessCli(_dir.Path).Resolve("--storage", "PostgreS", "--postgres", "Host=x", "--data-dir", "");

        Assert.Empty(problems);
        Assert.True(options.UsesPostgres);
        Assert.Equal(ClusterProfile.Postgres, options.Profile);
    }

    public static TheoryData<string[], string, string> InvalidFlags => new()
    {
        // args, expected message (after "invalid settings: "), description
        { ["--grpc-port", "65536"], "grpc port must be within 0..65535 (got 65536)", "port above range" },
        { ["--grpc-port=-1"], "grpc port must be within 0..65535 (got -1)", "negative port" },
        { ["--web-port", "65536"], "web port must be within 0..65535 (got 65536)", "web port above range" },
        { ["--web-port=-1"], "web port must be within 0..65535 (got -1)", "negative web port" },
        { ["--web-port", "6000", "--grpc-port", "6000"], "web port 6000 is already the gRPC, silo or dashboard port", "web port on the gRPC port" },
        { ["--web-port", "6000", "--dashboard-port", "6000"], "web port 6000 is already the gRPC, silo or dashboard port", "web port on the Orleans Dashboard's port" },
        { ["--storage", "mysql"], "storage must be 'sqlite', 'postgres' or 'azure' (got 'mysql')", "unknown storage" },
        { ["--storage", "postgres"], "storage 'postgres' needs a connection string (--postgres or STRIVE_POSTGRES)", "postgres without connection string" },
        { ["--storage", "postgres", "--postgres", "  "], "storage 'postgres' needs a connection string (--postgres or STRIVE_POSTGRES)", "postgres with blank connection string" },
        { ["--min-n", "0"], "min n must be within 1..1000 (got 0)", "min n 0" },
        { ["--min-n", "1001"], "min n must be within 1..1000 (got 1001)", "min n 1001" },
        { ["--data-dir", ""], "data dir must not be empty", "empty data dir" },
        { ["--data-dir", "   "], "data dir must not be empty", "blank data dir" },
        { ["--admin-token-ttl", "forever"], "admin token ttl must be a duration such as 24h, 90m, 7d or 1.12:00:00 within 1 minute..400 days, or 'never' (got 'forever')", "unknown ttl" },
        { ["--admin-token-ttl", "30s"], "admin token ttl must be a duration such as 24h, 90m, 7d or 1.12:00:00 within 1 minute..400 days, or 'never' (got '30s')", "ttl too short" },
        { ["--admin-token-ttl", "401d"], "admin token ttl must be a duration such as 24h, 90m, 7d or 1.12:00:00 within 1 minute..400 days, or 'never' (got '401d')", "ttl too long" },
        { ["--cluster-id", "Strive"], "cluster id must be 1..63 lower-case letters, digits and '-', starting with a letter or digit", "upper-case cluster id" },
        { ["--cluster-id", "strive\n"], "cluster id must be 1..63 lower-case letters, digits and '-', starting with a letter or digit", "cluster id with a newline" },
        { ["--listen-address", "localhost"], "listen address must be an IP address such as 127.0.0.1 or 0.0.0.0 (got 'localhost')", "listen address by name" },
        { ["--advertise-address", "0.0.0.0"], "advertise address must be an address other silos can reach, not 0.0.0.0", "advertise any" },
        { ["--storage", "azure"], "storage 'azure' needs a connection string (STRIVE_AZURE_STORAGE or STRIVE_AZURE_STORAGE_FILE) or an account for a managed identity (STRIVE_AZURE_STORAGE_ACCOUNT)", "azure without storage" },
        {
            ["--storage", "postgres", "--postgres", "Host=x;Password=hunter2"],
            "--postgres must not contain a password: every user can read a command line (ps); put the password in STRIVE_POSTGRES_PASSWORD or in a file named by STRIVE_POSTGRES_PASSWORD_FILE",
            "password on the command line"
        },
    };

    [Theory]
    [InlineData("24h", 24 * 60)]
    [InlineData("90m", 90)]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("1.12:00:00", 36 * 60)]
    [InlineData("NEVER", -1)]
    public void AdminTokenTtl_AcceptsDurationsAndNever(string ttl, int minutes)
    {
        var (options, problems) = new InProcessCli(_dir.Path).Resolve("--admin-token-ttl", ttl);
        Assert.Empty(problems);
        Assert.Equal(minutes < 0 ? null : TimeSpan.FromMinutes(minutes), options.AdminTokenLifetime);
    }

    [Fact]
    public void DefaultAdminTokenTtl_Is24Hours_AndNoSecretIsSupplied()
    {
        var (options, problems) = new InProcessCli(_dir.Path).Resolve();
        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromHours(24), options.AdminTokenLifetime);
        Assert.Null(options.AdminTokenSecret);
    }

    [Fact]
    public async Task Secrets_FromFilesAndEnvironment_AndEveryProblemNamesTheSourceNeverTheSecret()
    {
        var secret = Gateway.Tokens.TokenSecrets.NewSecret();
        var secretFile = _dir.Sub("admin");
        await File.WriteAllTextAsync(secretFile, secret + "\n");
        var passwordFile = _dir.Sub("password");
        await File.WriteAllTextAsync(passwordFile, "pg-s3cret\n");

        var fromFiles = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_POSTGRES_PASSWORD_FILE"] = passwordFile })
            .Resolve("--admin-token-file", secretFile, "--storage", "postgres", "--postgres", "Host=db;Username=strive");
        Assert.Empty(fromFiles.Problems);
        Assert.Equal(secret, fromFiles.Options.AdminTokenSecret);
        Assert.Equal("pg-s3cret", new Npgsql.NpgsqlConnectionStringBuilder(fromFiles.Options.PostgresConnectionString).Password);
        Assert.Equal("Host=db;Username=strive", fromFiles.Options.Postgres);

        var fromEnvironment = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_ADMIN_TOKEN"] = secret, ["STRIVE_POSTGRES_PASSWORD"] = "pg-env" })
            .Resolve("--storage", "postgres", "--postgres", "Host=db");
        Assert.Empty(fromEnvironment.Problems);
        Assert.Equal(secret, fromEnvironment.Options.AdminTokenSecret);
        Assert.Equal("pg-env", new Npgsql.NpgsqlConnectionStringBuilder(fromEnvironment.Options.PostgresConnectionString).Password);

        var missing = _dir.Sub("missing");
        var notAToken = _dir.Sub("not-a-token");
        await File.WriteAllTextAsync(notAToken, "hunter2-not-a-token");
        var problems = new[]
        {
            new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_ADMIN_TOKEN"] = secret }).Resolve("--admin-token-file", secretFile).Problems,
            new InProcessCli(_dir.Path).Resolve("--admin-token-file", missing).Problems,
            new InProcessCli(_dir.Path).Resolve("--admin-token-file", notAToken).Problems,
            new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_POSTGRES_PASSWORD"] = "x", ["STRIVE_POSTGRES_PASSWORD_FILE"] = passwordFile }).Resolve().Problems,
        };
        Assert.StartsWith("give the bootstrap admin token either in STRIVE_ADMIN_TOKEN or in a file", Assert.Single(problems[0]), StringComparison.Ordinal);
        Assert.StartsWith($"admin token file {missing} cannot be read: ", Assert.Single(problems[1]), StringComparison.Ordinal);
        Assert.StartsWith($"the bootstrap admin token from the file {notAToken} is not a token", Assert.Single(problems[2]), StringComparison.Ordinal);
        Assert.StartsWith("give the PostgreSQL password either in STRIVE_POSTGRES_PASSWORD or in STRIVE_POSTGRES_PASSWORD_FILE", Assert.Single(problems[3]), StringComparison.Ordinal);
        Assert.DoesNotContain(problems.SelectMany(p => p), p => p.Contains(secret, StringComparison.Ordinal) || p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(InvalidFlags))]
    public async Task InvalidSetting_PrintsItsProblemAndExits2WithNothingStarted(string[] args, string message, string description)
    {
        _ = description;
        var dataDir = _dir.Sub("data");
        string[] withDir = args.Contains("--data-dir") ? args : [.. args, "--data-dir", dataDir];

        foreach (var command in new[] { Array.Empty<string>(), ["tokens", "list"], ["tokens", "issue", "--role", "viewer"], ["tokens", "revoke", "tok_x"] })
        {
            var cli = new InProcessCli(_dir.Path);
            var code = await cli.RunAsync([.. command, .. withDir]);

            Assert.Equal(2, code);
            Assert.Equal($"invalid settings: {message}", cli.Error.ToString().TrimEnd());
            Assert.Equal("", cli.Output.ToString());
            Assert.False(Directory.Exists(dataDir), "a refused start must not create the data directory");
        }
    }

    [Fact]
    public async Task SeveralProblems_AreAllReported()
    {
        var cli = new InProcessCli(_dir.Path);
        var code = await cli.RunAsync("--grpc-port", "70000", "--storage", "oracle", "--min-n", "0");

        Assert.Equal(2, code);
        Assert.Equal(
            [
                "invalid settings: grpc port must be within 0..65535 (got 70000)",
                "invalid settings: storage must be 'sqlite', 'postgres' or 'azure' (got 'oracle')",
                "invalid settings: min n must be within 1..1000 (got 0)",
            ],
            Lines(cli.Error));
    }

    public static TheoryData<string, string, string> BadEnvironment => new()
    {
        { "STRIVE_GRPC_PORT", "abc", "STRIVE_GRPC_PORT must be an integer (got 'abc')" },
        { "STRIVE_GRPC_PORT", "5000.5", "STRIVE_GRPC_PORT must be an integer (got '5000.5')" },
        { "STRIVE_GRPC_PORT", "99999999999", "STRIVE_GRPC_PORT must be an integer (got '99999999999')" },
        { "STRIVE_MIN_N", "ten", "STRIVE_MIN_N must be an integer (got 'ten')" },
        { "STRIVE_DEMO", "maybe", "STRIVE_DEMO must be 'true' or 'false' (got 'maybe')" },
        { "STRIVE_GRPC_PORT", "70000", "grpc port must be within 0..65535 (got 70000)" },
        { "STRIVE_MIN_N", "0", "min n must be within 1..1000 (got 0)" },
        { "STRIVE_STORAGE", "mongo", "storage must be 'sqlite', 'postgres' or 'azure' (got 'mongo')" },
    };

    [Theory]
    [MemberData(nameof(BadEnvironment))]
    public async Task BadEnvironmentValue_NamesTheProblemAndExits2(string variable, string value, string message)
    {
        var dataDir = _dir.Sub("data");
        var cli = new InProcessCli(_dir.Path, new Dictionary<string, string?> { [variable] = value });
        var code = await cli.RunAsync("--data-dir", dataDir);

        Assert.Equal(2, code);
        Assert.Equal([$"invalid settings: {message}"], Lines(cli.Error));
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task BadAppsettingsValue_NamesTheFileAndSetting()
    {
        WriteAppsettings("""{ "Strive": { "GrpcPort": "abc", "Demo": "sometimes", "MinN": 5 } }""");
        var file = Path.Combine(_dir.Path, "appsettings.json");
        var cli = new InProcessCli(_dir.Path);
        var code = await cli.RunAsync("--data-dir", _dir.Sub("data"));

        Assert.Equal(2, code);
        Assert.Equal(
            [
                $"invalid settings: {file}: Strive:GrpcPort must be an integer (got 'abc')",
                $"invalid settings: {file}: Strive:Demo must be 'true' or 'false' (got 'sometimes')",
            ],
            Lines(cli.Error));
    }

    [Fact]
    public void BadAppsettingsValue_OverriddenByTheEnvironment_IsNoProblem()
    {
        WriteAppsettings("""{ "Strive": { "GrpcPort": "abc" } }""");
        var (options, problems) = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_GRPC_PORT"] = "7000" }).Resolve();

        Assert.Empty(problems);
        Assert.Equal(7000, options.GrpcPort);
    }

    [Fact]
    public async Task MalformedAppsettings_IsAClearProblemNotACrash()
    {
        WriteAppsettings("""{ "Strive": { "GrpcPort": 5000, """);
        var cli = new InProcessCli(_dir.Path);
        var code = await cli.RunAsync("--data-dir", _dir.Sub("data"));

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(cli.Error));
        Assert.StartsWith($"invalid settings: {Path.Combine(_dir.Path, "appsettings.json")} cannot be read: ", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Sub("data")));
    }

    [Fact]
    public async Task UnparsableFlag_IsRejectedByTheParser()
    {
        var cli = new InProcessCli(_dir.Path);
        var code = await cli.RunAsync("--grpc-port", "abc", "--data-dir", _dir.Sub("data"));

        Assert.NotEqual(0, code);
        Assert.Contains("abc", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--grpc-port", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Sub("data")));
    }

    [Fact]
    public async Task Help_ListsEveryFlagAndTheTokenCommands()
    {
        var cli = new InProcessCli(_dir.Path);
        Assert.Equal(0, await cli.RunAsync("--help"));
        foreach (var flag in new[] { "--grpc-port", "--data-dir", "--storage", "--cluster-id", "--listen-address", "--advertise-address", "--postgres", "--demo", "--min-n", "--web-port", "tokens" })
        {
            Assert.Contains(flag, cli.Output.ToString(), StringComparison.Ordinal);
        }

        var tokens = new InProcessCli(_dir.Path);
        Assert.Equal(0, await tokens.RunAsync("tokens", "--help"));
        foreach (var command in new[] { "issue", "list", "revoke" })
        {
            Assert.Contains(command, tokens.Output.ToString(), StringComparison.Ordinal);
        }
    }

    private void WriteAppsettings(string json) => File.WriteAllText(Path.Combine(_dir.Path, "appsettings.json"), json);

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Read(SiloOptions options, string setting) => setting switch
    {
        "GrpcPort" => options.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "WebPort" => options.WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "DataDir" => options.DataDir,
        "Storage" => options.Storage,
        "Postgres" => options.Postgres,
        "MinN" => options.MinN.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "AdminTokenTtl" => options.AdminTokenTtl,
        "AdminTokenFile" => options.AdminTokenFile,
        "ClusterId" => options.ClusterId,
        "ListenAddress" => options.ListenAddress,
        "AdvertiseAddress" => options.AdvertiseAddress,
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };
}
