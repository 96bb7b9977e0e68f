using System.ComponentModel.DataAnnotations;

namespace StriveNetwork.Grains.Outbox;

/// <summary>Settings of outbox delivery.</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// Period of the reminder that resumes delivery after a crash (default 1 minute, Orleans' default minimum reminder
    /// period; tests lower both).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between two delivery attempts of a failing entry (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
