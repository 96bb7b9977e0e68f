using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Silo;

/// <summary>
/// The silo's settings. Sources, later wins: defaults, <c>appsettings.json</c> section <c>Strive</c>, environment
/// variables (<c>STRIVE_GRPC_PORT</c>, ... see <see cref="EnvironmentNames"/>), command-line flags.
/// </summary>
public sealed class SiloOptions
{
    /// <summary>Environment variable of each setting.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentNames { get; } = new Dictionary<string, string>
    {
        ["STRIVE_GRPC_PORT"] = nameof(GrpcPort),
        ["STRIVE_DATA_DIR"] = nameof(DataDir),
        ["STRIVE_STORAGE"] = nameof(Storage),
        ["STRIVE_POSTGRES"] = nameof(Postgres),
        ["STRIVE_DEMO"] = nameof(Demo),
        ["STRIVE_MIN_N"] = nameof(MinN),
        ["STRIVE_SILO_PORT"] = nameof(SiloPort),
        ["STRIVE_DASHBOARD_PORT"] = nameof(DashboardPort),
        ["STRIVE_WEB_PORT"] = nameof(WebPort),
        ["STRIVE_METRICS_PORT"] = nameof(MetricsPort),
        ["STRIVE_ADMIN_TOKEN_FILE"] = nameof(AdminTokenFile),
        ["STRIVE_ADMIN_TOKEN_TTL"] = nameof(AdminTokenTtl),
        ["STRIVE_POSTGRES_PASSWORD_FILE"] = nameof(PostgresPasswordFile),
        ["STRIVE_CLUSTER_ID"] = nameof(ClusterId),
        ["STRIVE_LISTEN_ADDRESS"] = nameof(ListenAddress),
        ["STRIVE_ADVERTISE_ADDRESS"] = nameof(AdvertiseAddress),
        ["STRIVE_AZURE_STORAGE_FILE"] = nameof(AzureStorageFile),
        ["STRIVE_AZURE_STORAGE_ACCOUNT"] = nameof(AzureStorageAccount),
    };

    /// <summary>
    /// Secrets read from the environment only (never from appsettings.json or a flag): the bootstrap admin token and
    /// the PostgreSQL password.
    /// </summary>
    public static IReadOnlyList<string> SecretEnvironmentNames { get; } = ["STRIVE_ADMIN_TOKEN", "STRIVE_POSTGRES_PASSWORD", "STRIVE_AZURE_STORAGE"];

    /// <summary>
    /// The standard OpenTelemetry variables the silo checks at start (the OpenTelemetry SDK reads them, and the
    /// other <c>OTEL_*</c> ones, itself): the OTLP endpoint turns export on, the protocol must be one the exporter speaks.
    /// </summary>
    public static IReadOnlyList<string> TelemetryEnvironmentNames { get; } = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL"];

    /// <summary>Default lifetime of the bootstrap admin token.</summary>
    public static readonly TimeSpan DefaultAdminTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>Longest token lifetime the registry accepts.</summary>
    public static readonly TimeSpan MaxAdminTokenLifetime = TimeSpan.FromDays(400);

    /// <summary>gRPC port on 127.0.0.1; 0 picks a free port (printed when ready).</summary>
    public int GrpcPort { get; set; } = 5000;

    /// <summary>Directory of the SQLite database.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>
    /// The store, which is also the cluster profile (<see cref="Profile"/>): <c>sqlite</c> (one silo, the default),
    /// <c>postgres</c> or <c>azure</c> (silos that form a cluster through the store).
    /// </summary>
    public string Storage { get; set; } = "sqlite";

    /// <summary>Orleans cluster id of the <c>postgres</c> and <c>azure</c> profiles: silos with the same id on one store form one cluster.</summary>
    public string ClusterId { get; set; } = "strive";

    /// <summary>Address the gRPC front door and the dashboard listen on (default 127.0.0.1; <c>0.0.0.0</c> in a container).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Address other silos reach this silo's silo-to-silo port on (default 127.0.0.1; the pod IP on Kubernetes).</summary>
    public string AdvertiseAddress { get; set; } = "127.0.0.1";

    /// <summary>File holding the Azure Storage connection string (profile <c>azure</c>; or env <c>STRIVE_AZURE_STORAGE</c>).</summary>
    public string? AzureStorageFile { get; set; }

    /// <summary>
    /// Azure Storage account name for a managed identity (profile <c>azure</c>, no connection string): the silo uses
    /// <c>https://{account}.blob.core.windows.net</c> and <c>.table.core.windows.net</c> with the default Azure credential.
    /// </summary>
    public string? AzureStorageAccount { get; set; }

    /// <summary>The Azure Storage connection string, from <c>STRIVE_AZURE_STORAGE</c> or <see cref="AzureStorageFile"/>; a secret.</summary>
    public string? AzureStorageConnectionString { get; set; }

    /// <summary>PostgreSQL connection string (required with <c>postgres</c> storage).</summary>
    public string? Postgres { get; set; }

    /// <summary>Load the demo network once.</summary>
    public bool Demo { get; set; }

    /// <summary>Minimum n of small-cell suppression (1..1000).</summary>
    public int MinN { get; set; } = 10;

    /// <summary>Orleans silo-to-silo port on 127.0.0.1; 0 picks a free port (one machine needs no fixed one).</summary>
    public int SiloPort { get; set; }

    /// <summary>Port of the Orleans Dashboard on 127.0.0.1 (operators, admin token required); 0 = off (default).</summary>
    public int DashboardPort { get; set; }

    /// <summary>
    /// Port of the people's dashboard (HTTP/1.1 and HTTP/2, token sign-in; docs/dashboard.md) on the listen address;
    /// 0 = off. Default 5080.
    /// </summary>
    public int WebPort { get; set; } = 5080;

    /// <summary>
    /// Port of the Prometheus scrape endpoint (<c>GET /metrics</c>, HTTP/1.1, no authentication) on the listen
    /// address; 0 = off (default).
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>
    /// Where traces and metrics are exported by OTLP, from <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; null (unset) = no
    /// export.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol from <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>: <c>grpc</c> (the SDK's default when unset) or <c>http/protobuf</c>.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>Whether traces and metrics are exported by OTLP.</summary>
    public bool ExportsOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>
    /// File holding the bootstrap admin secret (<c>snt_…</c>), e.g. a mounted Kubernetes Secret; used only on the
    /// first start of an empty store. The secret itself is never taken from the command line.
    /// </summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>Lifetime of the bootstrap admin token: <c>24h</c> (default), <c>90m</c>, <c>7d</c>, <c>1.12:00:00</c>, or <c>never</c>.</summary>
    public string AdminTokenTtl { get; set; } = "24h";

    /// <summary>File holding the PostgreSQL password (merged into the connection string).</summary>
    public string? PostgresPasswordFile { get; set; }

    /// <summary>The bootstrap admin secret, from <c>STRIVE_ADMIN_TOKEN</c> or <see cref="AdminTokenFile"/> (null: generate one).</summary>
    public string? AdminTokenSecret { get; set; }

    /// <summary>Where <see cref="AdminTokenSecret"/> came from (for messages; never the secret).</summary>
    public string? AdminTokenSource { get; set; }

    /// <summary>The PostgreSQL password from <c>STRIVE_POSTGRES_PASSWORD</c> or <see cref="PostgresPasswordFile"/>.</summary>
    public string? PostgresPassword { get; set; }

    /// <summary>The bootstrap token's lifetime; null when it never expires (or when <see cref="AdminTokenTtl"/> is malformed).</summary>
    public TimeSpan? AdminTokenLifetime => ParseTtl(AdminTokenTtl, out var lifetime) ? lifetime : null;

    /// <summary>
    /// The connection string the providers use: <see cref="Postgres"/> with <see cref="PostgresPassword"/> merged
    /// in. It may hold the password: never print or log it.
    /// </summary>
    public string? PostgresConnectionString
    {
        get
        {
            if (Postgres is null || PostgresPassword is null)
            {
                return Postgres;
            }

            return new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Password = PostgresPassword }.ConnectionString;
        }
    }

    /// <summary>Whether PostgreSQL is the storage.</summary>
    public bool UsesPostgres => string.Equals(Storage, "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The cluster profile the storage selects (<see cref="ClusterProfile.Embedded"/> when it is not valid).</summary>
    public ClusterProfile Profile => Storage.ToUpperInvariant() switch
    {
        "POSTGRES" => ClusterProfile.Postgres,
        "AZURE" => ClusterProfile.Azure,
        _ => ClusterProfile.Embedded,
    };

    /// <summary>Every problem of the settings (empty when valid).</summary>
    public IEnumerable<string> Validate()
    {
        if (GrpcPort is < 0 or > 65535)
        {
            yield return $"grpc port must be within 0..65535 (got {GrpcPort})";
        }

        if (SiloPort is < 0 or > 65535)
        {
            yield return $"silo port must be within 0..65535 (got {SiloPort})";
        }

        if (DashboardPort is < 0 or > 65535)
        {
            yield return $"dashboard port must be within 0..65535 (got {DashboardPort})";
        }
        else if (DashboardPort != 0 && (DashboardPort == GrpcPort || DashboardPort == SiloPort))
        {
            yield return $"dashboard port {DashboardPort} is already the gRPC or silo port";
        }

        if (WebPort is < 0 or > 65535)
        {
            yield return $"web port must be within 0..65535 (got {WebPort})";
        }
        else if (WebPort != 0 && (WebPort == GrpcPort || WebPort == SiloPort || WebPort == DashboardPort))
        {
            yield return $"web port {WebPort} is already the gRPC, silo or dashboard port";
        }

        if (MetricsPort is < 0 or > 65535)
        {
            yield return $"metrics port must be within 0..65535 (got {MetricsPort})";
        }
        else if (MetricsPort != 0 && (MetricsPort == GrpcPort || MetricsPort == SiloPort || MetricsPort == DashboardPort || MetricsPort == WebPort))
        {
            yield return $"metrics port {MetricsPort} is already the gRPC, silo, dashboard or web port";
        }

        // Checked as the OpenTelemetry SDK will read them: untrimmed.
        if (ExportsOtlp && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) && (otlp.Scheme == Uri.UriSchemeHttp || otlp.Scheme == Uri.UriSchemeHttps)))
        {
            // The value is not echoed: an endpoint may carry credentials in its user info.
            yield return "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL such as http://otel-collector:4317";
        }

        if (OtlpProtocol is not (null or "grpc" or "http/protobuf"))
        {
            yield return $"OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf' (got '{OtlpProtocol}')";
        }

        if (!string.Equals(Storage, "sqlite", StringComparison.OrdinalIgnoreCase) && Profile == ClusterProfile.Embedded)
        {
            yield return $"storage must be 'sqlite', 'postgres' or 'azure' (got '{Storage}')";
        }

        if (!Regex.IsMatch(ClusterId, @"\A[a-z0-9][a-z0-9-]{0,62}\z"))
        {
            yield return "cluster id must be 1..63 lower-case letters, digits and '-', starting with a letter or digit";
        }

        foreach (var (name, value) in new[] { ("listen address", ListenAddress), ("advertise address", AdvertiseAddress) })
        {
            // Canonical text only: TryParse also reads "10" or "10.1" as addresses.
            if (!IPAddress.TryParse(value, out var parsed) || !string.Equals(parsed.ToString(), value, StringComparison.Ordinal))
            {
                yield return $"{name} must be an IP address such as 127.0.0.1 or 0.0.0.0 (got '{value}')";
            }
        }

        if (IPAddress.TryParse(AdvertiseAddress, out var advertised) && (advertised.Equals(IPAddress.Any) || advertised.Equals(IPAddress.IPv6Any)))
        {
            yield return "advertise address must be an address other silos can reach, not 0.0.0.0";
        }

        if (Profile == ClusterProfile.Azure && AzureStorageConnectionString is null && string.IsNullOrWhiteSpace(AzureStorageAccount))
        {
            yield return "storage 'azure' needs a connection string (STRIVE_AZURE_STORAGE or STRIVE_AZURE_STORAGE_FILE) or an account for a managed identity (STRIVE_AZURE_STORAGE_ACCOUNT)";
        }
        else if (Profile == ClusterProfile.Azure && AzureStorageConnectionString is not null && !string.IsNullOrWhiteSpace(AzureStorageAccount))
        {
            yield return "give storage 'azure' either a connection string or an account (managed identity), not both";
        }
        else if (Profile == ClusterProfile.Azure && AzureStorageConnectionString is { } connection && AzureConnectionProblem(connection) is { } azureProblem)
        {
            yield return $"azure storage connection string is not valid: {azureProblem}";
        }
        else if (AzureStorageAccount is { Length: > 0 } account && !Regex.IsMatch(account, @"\A[a-z0-9]{3,24}\z"))
        {
            yield return "azure storage account must be 3..24 lower-case letters and digits";
        }

        if (UsesPostgres && string.IsNullOrWhiteSpace(Postgres))
        {
            yield return "storage 'postgres' needs a connection string (--postgres or STRIVE_POSTGRES)";
        }
        else if (UsesPostgres && PostgresProblem(Postgres!) is { } problem)
        {
            yield return $"postgres connection string is not valid: {problem}";
        }

        if (!UsesPostgres && string.IsNullOrWhiteSpace(DataDir))
        {
            yield return "data dir must not be empty";
        }

        if (MinN is < 1 or > 1000)
        {
            yield return $"min n must be within 1..1000 (got {MinN})";
        }

        if (!ParseTtl(AdminTokenTtl, out _))
        {
            yield return $"admin token ttl must be a duration such as 24h, 90m, 7d or 1.12:00:00 within 1 minute..400 days, or 'never' (got '{AdminTokenTtl}')";
        }
    }

    /// <summary>Parses a token lifetime: <c>never</c> (null), <c>N</c> + <c>s|m|h|d</c>, or a TimeSpan; within 1 minute..400 days.</summary>
    public static bool ParseTtl(string? text, out TimeSpan? lifetime)
    {
        lifetime = null;
        var value = (text ?? string.Empty).Trim();
        if (string.Equals(value, "never", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        TimeSpan parsed;
        if (value.Length >= 2 && "smhd".Contains(char.ToLowerInvariant(value[^1]), StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            parsed = char.ToLowerInvariant(value[^1]) switch
            {
                's' => TimeSpan.FromSeconds(count),
                'm' => TimeSpan.FromMinutes(count),
                'h' => TimeSpan.FromHours(count),
                _ => TimeSpan.FromDays(count),
            };
        }
        else if (!TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out parsed))
        {
            return false;
        }

        if (parsed < TimeSpan.FromMinutes(1) || parsed > MaxAdminTokenLifetime)
        {
            return false;
        }

        lifetime = parsed;
        return true;
    }

    /// <summary>
    /// Reads the secrets: the bootstrap admin secret from <c>STRIVE_ADMIN_TOKEN</c> or <see cref="AdminTokenFile"/>,
    /// the PostgreSQL password from <c>STRIVE_POSTGRES_PASSWORD</c> or <see cref="PostgresPasswordFile"/>. Problems
    /// name the variable or file, never a secret.
    /// </summary>
    public IEnumerable<string> LoadSecrets(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var adminFromEnvironment = environment.GetValueOrDefault("STRIVE_ADMIN_TOKEN");
        if (!string.IsNullOrEmpty(adminFromEnvironment) && !string.IsNullOrEmpty(AdminTokenFile))
        {
            yield return "give the bootstrap admin token either in STRIVE_ADMIN_TOKEN or in a file (--admin-token-file / STRIVE_ADMIN_TOKEN_FILE), not both";
        }
        else if (!string.IsNullOrEmpty(adminFromEnvironment))
        {
            AdminTokenSecret = adminFromEnvironment.Trim();
            AdminTokenSource = "STRIVE_ADMIN_TOKEN";
        }
        else if (!string.IsNullOrEmpty(AdminTokenFile))
        {
            if (ReadSecretFile(AdminTokenFile, "admin token file") is { } read)
            {
                (AdminTokenSecret, var problem) = read;
                if (problem is not null)
                {
                    yield return problem;
                }
            }

            AdminTokenSource = $"the file {Path.GetFullPath(AdminTokenFile)}";
        }

        if (AdminTokenSecret is not null && !TokenSecrets.HasSecretShape(AdminTokenSecret))
        {
            yield return $"the bootstrap admin token from {AdminTokenSource} is not a token: expected 'snt_' followed by 43 url-safe base64 characters (make one with: echo snt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')";
            AdminTokenSecret = null;
        }

        var passwordFromEnvironment = environment.GetValueOrDefault("STRIVE_POSTGRES_PASSWORD");
        if (!string.IsNullOrEmpty(passwordFromEnvironment) && !string.IsNullOrEmpty(PostgresPasswordFile))
        {
            yield return "give the PostgreSQL password either in STRIVE_POSTGRES_PASSWORD or in STRIVE_POSTGRES_PASSWORD_FILE, not both";
        }
        else if (!string.IsNullOrEmpty(passwordFromEnvironment))
        {
            PostgresPassword = passwordFromEnvironment;
        }
        else if (!string.IsNullOrEmpty(PostgresPasswordFile) && ReadSecretFile(PostgresPasswordFile, "postgres password file") is { } read)
        {
            (PostgresPassword, var problem) = read;
            if (problem is not null)
            {
                yield return problem;
            }
        }

        foreach (var problem in LoadAzureSecret(environment))
        {
            yield return problem;
        }
    }

    /// <summary>
    /// Reads <see cref="TelemetryEnvironmentNames"/>: the OTLP endpoint and protocol. An empty variable counts as
    /// unset. Checked by <see cref="Validate"/>.
    /// </summary>
    public void LoadTelemetry(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        OtlpEndpoint = environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } endpoint ? endpoint : null;
        OtlpProtocol = environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL") is { Length: > 0 } protocol ? protocol : null;
    }

    /// <summary>Reads the Azure Storage connection string from <c>STRIVE_AZURE_STORAGE</c> or <see cref="AzureStorageFile"/>.</summary>
    private IEnumerable<string> LoadAzureSecret(IReadOnlyDictionary<string, string?> environment)
    {
        var fromEnvironment = environment.GetValueOrDefault("STRIVE_AZURE_STORAGE");
        if (!string.IsNullOrEmpty(fromEnvironment) && !string.IsNullOrEmpty(AzureStorageFile))
        {
            yield return "give the Azure Storage connection string either in STRIVE_AZURE_STORAGE or in STRIVE_AZURE_STORAGE_FILE, not both";
        }
        else if (!string.IsNullOrEmpty(fromEnvironment))
        {
            AzureStorageConnectionString = fromEnvironment.Trim();
        }
        else if (!string.IsNullOrEmpty(AzureStorageFile) && ReadSecretFile(AzureStorageFile, "azure storage file") is { } read)
        {
            (AzureStorageConnectionString, var problem) = read;
            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    // The first line of a secret file, trimmed (Kubernetes Secrets and editors often end files with a newline).
    private static (string? Secret, string? Problem)? ReadSecretFile(string path, string what)
    {
        try
        {
            var text = File.ReadAllText(path);
            var line = text.Split('\n', 2)[0].Trim();
            return line.Length == 0 ? (null, $"{what} {Path.GetFullPath(path)} is empty") : (line, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"{what} {Path.GetFullPath(path)} cannot be read: {exception.Message}");
        }
    }

    // The Azure SDK parses a connection string when a client is made (no network); its message is not repeated, since
    // it may quote the string and so the account key.
    private static string? AzureConnectionProblem(string connectionString)
    {
        try
        {
            _ = new Azure.Storage.Blobs.BlobServiceClient(connectionString);
            return null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            return "expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…' with endpoints";
        }
    }

    // The parser's messages name the key, never the value, so no password reaches the output.
    private static string? PostgresProblem(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }

    /// <summary>
    /// Reads defaults, appsettings.json (next to the executable) and the environment. A value that cannot be read
    /// (malformed JSON, <c>STRIVE_GRPC_PORT=abc</c>, ...) is not applied; it is reported in <paramref name="problems"/>,
    /// naming its source, so the caller can refuse to start with a clear message instead of an exception.
    /// </summary>
    public static SiloOptions Load(string baseDirectory, IReadOnlyDictionary<string, string?> environment, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var found = new List<string>();
        var options = new SiloOptions();
        var file = Path.Combine(baseDirectory, "appsettings.json");
        IConfigurationSection fileSection;
        try
        {
            fileSection = new ConfigurationBuilder().AddJsonFile(file, optional: true).Build().GetSection("Strive");
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException)
        {
            found.Add($"{file} cannot be read: {exception.Message}");
            problems = found;
            return options;
        }

        foreach (var (variable, setting) in EnvironmentNames)
        {
            // An empty variable counts as unset (the usual shell convention for "VAR=").
            var (value, source) = environment.TryGetValue(variable, out var fromEnvironment) && !string.IsNullOrEmpty(fromEnvironment)
                ? (fromEnvironment, variable)
                : (fileSection[setting], $"{file}: Strive:{setting}");
            if (value is null)
            {
                continue;
            }

            if (ProblemOf(setting, value) is { } problem)
            {
                found.Add($"{source} {problem}");
                continue;
            }

            Apply(options, setting, value);
        }

        problems = found;
        return options;
    }

    private static string? ProblemOf(string setting, string value) => setting switch
    {
        nameof(GrpcPort) or nameof(MinN) or nameof(SiloPort) or nameof(DashboardPort) or nameof(WebPort) or nameof(MetricsPort) when !int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
            $"must be an integer (got '{value}')",
        nameof(Demo) when !bool.TryParse(value.Trim(), out _) => $"must be 'true' or 'false' (got '{value}')",
        _ => null,
    };

    private static void Apply(SiloOptions options, string setting, string value)
    {
        switch (setting)
        {
            case nameof(GrpcPort):
                options.GrpcPort = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(DataDir):
                options.DataDir = value;
                break;
            case nameof(Storage):
                options.Storage = value;
                break;
            case nameof(Postgres):
                options.Postgres = value;
                break;
            case nameof(Demo):
                options.Demo = bool.Parse(value.Trim());
                break;
            case nameof(MinN):
                options.MinN = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(SiloPort):
                options.SiloPort = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(DashboardPort):
                options.DashboardPort = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(WebPort):
                options.WebPort = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(MetricsPort):
                options.MetricsPort = int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case nameof(AdminTokenFile):
                options.AdminTokenFile = value;
                break;
            case nameof(AdminTokenTtl):
                options.AdminTokenTtl = value;
                break;
            case nameof(PostgresPasswordFile):
                options.PostgresPasswordFile = value;
                break;
            case nameof(ClusterId):
                options.ClusterId = value.Trim();
                break;
            case nameof(ListenAddress):
                options.ListenAddress = value.Trim();
                break;
            case nameof(AdvertiseAddress):
                options.AdvertiseAddress = value.Trim();
                break;
            case nameof(AzureStorageFile):
                options.AzureStorageFile = value;
                break;
            case nameof(AzureStorageAccount):
                options.AzureStorageAccount = value.Trim();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(setting), setting, "Unknown setting.");
        }
    }
}
