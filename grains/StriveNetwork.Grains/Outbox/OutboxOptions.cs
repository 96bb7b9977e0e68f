namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// Settings of outbox delivery (configuration section <c>Strive:Outbox</c>, e.g. env
/// <c>Strive__Outbox__ReminderPeriod=00:05:00</c>); the silo checks them with <see cref="Validate()"/> before it opens
/// the store, and a host checks them when it starts (<see cref="OutboxOptionsValidation"/>).
/// </summary>
public sealed class OutboxOptions
{
    /// <summary>Configuration section the silo binds.</summary>
    public const string SectionName = "Strive:Outbox";

    /// <summary>Shortest <see cref="ReminderPeriod"/> a silo accepts: Orleans' default minimum reminder period.</summary>
    public static readonly TimeSpan MinSiloReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Longest <see cref="ReminderPeriod"/> accepted.</summary>
    public static readonly TimeSpan MaxReminderPeriod = TimeSpan.FromHours(1);

    /// <summary>Shortest <see cref="MaxBackoff"/> accepted.</summary>
    public static readonly TimeSpan MinMaxBackoff = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest <see cref="MaxBackoff"/> accepted.</summary>
    public static readonly TimeSpan MaxMaxBackoff = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Period of the reminder that resumes delivery after a crash (default 5 minutes; a silo accepts 1 minute..1 hour,
    /// tests lower it with Orleans' minimum). Every grain that has written outbox entries and not settled since holds
    /// one, and each tick is a grain call, so the period sets what idle-looking grains cost; it also bounds how long a
    /// delivery a crash interrupted waits when nothing else calls the grain (docs/adr/0024).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait between two delivery attempts of a failing entry (default 30 s; 10 ms..10 minutes).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with the settings as a silo reads them, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Validate(MinSiloReminderPeriod);

    /// <summary>
    /// Every problem with the settings when reminders may be as short as <paramref name="minReminderPeriod"/> (Orleans'
    /// <c>ReminderOptions.MinimumReminderPeriod</c>, which tests lower), each naming its configuration key.
    /// </summary>
    public IReadOnlyList<string> Validate(TimeSpan minReminderPeriod)
    {
        var problems = new List<string>();
        if (ReminderPeriod < minReminderPeriod || ReminderPeriod > MaxReminderPeriod)
        {
            problems.Add($"{SectionName}:ReminderPeriod must be within {minReminderPeriod}..{MaxReminderPeriod} (got {ReminderPeriod})");
        }

        if (MaxBackoff < MinMaxBackoff || MaxBackoff > MaxMaxBackoff)
        {
            problems.Add($"{SectionName}:MaxBackoff must be within {MinMaxBackoff}..{MaxMaxBackoff} (got {MaxBackoff})");
        }

        return problems;
    }
}
