using System.Globalization;

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
    };

    /// <summary>gRPC port on 127.0.0.1; 0 picks a free port (printed when ready).</summary>
    public int GrpcPort { get; set; } = 5000;

    /// <summary>Directory of the SQLite database.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Storage { get; set; } = "sqlite";

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

    /// <summary>Whether PostgreSQL is the storage.</summary>
    public bool UsesPostgres => string.Equals(Storage, "postgres", StringComparison.OrdinalIgnoreCase);

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

        if (!string.Equals(Storage, "sqlite", StringComparison.OrdinalIgnoreCase) && !UsesPostgres)
        {
            yield return $"storage must be 'sqlite' or 'postgres' (got '{Storage}')";
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
        nameof(GrpcPort) or nameof(MinN) or nameof(SiloPort) or nameof(DashboardPort) when !int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
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
            default:
                throw new ArgumentOutOfRangeException(nameof(setting), setting, "Unknown setting.");
        }
    }
}
