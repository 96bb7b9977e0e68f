namespace StriveNetwork.Providers;

/// <summary>A reminder row as the stores keep it (one service's view: the service id is a key column the store adds).</summary>
/// <param name="GrainId">The grain id in its string form (<c>GrainId.ToString()</c>, parsed back with <c>GrainId.Parse</c>).</param>
/// <param name="ReminderName">The reminder name.</param>
/// <param name="GrainHash">The grain's <c>GetUniformHashCode()</c>, for hash-ring range reads.</param>
/// <param name="StartAt">First due time, UTC, microsecond precision.</param>
/// <param name="Period">Period, microsecond precision.</param>
/// <param name="Version">The row's integer version (its ETag); 0 for a row not stored yet.</param>
public sealed record StoredReminder(string GrainId, string ReminderName, uint GrainHash, DateTime StartAt, TimeSpan Period, long Version);
