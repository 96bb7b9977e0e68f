using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// How a <see cref="MembershipEntry"/> maps to a row of <c>membership</c>: the silo address in its parsable form, the
/// status by name (readable in SQL), suspect votes as two parallel arrays, and times as UTC with microsecond precision
/// (the precision of <c>timestamptz</c>), so an entry reads back exactly as it was stored.
/// </summary>
internal static class PostgresMembershipRow
{
    /// <summary>The entry columns and the row ETag, in the order <see cref="Read"/> expects, prefixed with <c>m.</c>.</summary>
    public const string Columns =
        "m.silo_address, m.status, m.proxy_port, m.host_name, m.silo_name, m.role_name, m.update_zone, m.fault_zone, " +
        "m.suspecting_silos, m.suspect_times, m.start_time, m.i_am_alive_time, m.etag";

    /// <summary>
    /// Binds the entry's columns as parameters @silo, @status, @proxy, @host, @name, @role, @update_zone, @fault_zone,
    /// @suspecters, @suspect_times, @start, @alive and @last (the latest of start, heartbeat and vote times).
    /// </summary>
    public static void Bind(NpgsqlParameterCollection parameters, MembershipEntry entry)
    {
        var votes = entry.SuspectTimes ?? [];
        var start = ToStoredTime(entry.StartTime);
        var alive = ToStoredTime(entry.IAmAliveTime);
        var voteTimes = votes.Select(v => ToStoredTime(v.Item2)).ToArray();
        var last = voteTimes.Append(start).Append(alive).Max();
        parameters.AddWithValue("silo", SiloText(entry.SiloAddress));
        parameters.AddWithValue("status", entry.Status.ToString());
        parameters.AddWithValue("proxy", entry.ProxyPort);
        parameters.AddWithValue("host", (object?)entry.HostName ?? DBNull.Value);
        parameters.AddWithValue("name", (object?)entry.SiloName ?? DBNull.Value);
        parameters.AddWithValue("role", (object?)entry.RoleName ?? DBNull.Value);
        parameters.AddWithValue("update_zone", entry.UpdateZone);
        parameters.AddWithValue("fault_zone", entry.FaultZone);
        parameters.AddWithValue("suspecters", votes.Select(v => SiloText(v.Item1)).ToArray());
        parameters.AddWithValue("suspect_times", voteTimes);
        parameters.AddWithValue("start", start);
        parameters.AddWithValue("alive", alive);
        parameters.AddWithValue("last", last);
    }

    /// <summary>Reads the entry and its row ETag from <see cref="Columns"/> starting at <paramref name="first"/>.</summary>
    public static Tuple<MembershipEntry, string> Read(NpgsqlDataReader reader, int first)
    {
        var suspecters = reader.GetFieldValue<string[]>(first + 8);
        var suspectTimes = reader.GetFieldValue<DateTime[]>(first + 9);
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.FromParsableString(reader.GetString(first)),
            Status = Enum.Parse<SiloStatus>(reader.GetString(first + 1)),
            ProxyPort = reader.GetInt32(first + 2),
            HostName = reader.IsDBNull(first + 3) ? null! : reader.GetString(first + 3),
            SiloName = reader.IsDBNull(first + 4) ? null! : reader.GetString(first + 4),
            RoleName = reader.IsDBNull(first + 5) ? null! : reader.GetString(first + 5),
            UpdateZone = reader.GetInt32(first + 6),
            FaultZone = reader.GetInt32(first + 7),
            SuspectTimes = suspecters.Zip(suspectTimes, (silo, at) => Tuple.Create(SiloAddress.FromParsableString(silo), AsUtc(at))).ToList(),
            StartTime = AsUtc(reader.GetFieldValue<DateTime>(first + 10)),
            IAmAliveTime = AsUtc(reader.GetFieldValue<DateTime>(first + 11)),
        };
        return Tuple.Create(entry, VersionETag.Format(reader.GetInt64(first + 12)));
    }

    /// <summary>The key of a silo's row.</summary>
    public static string SiloText(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ToParsableString();
    }

    /// <summary>
    /// UTC (an unspecified kind is taken as UTC, as Orleans computes its times in UTC), whole microseconds.
    /// <see cref="DateTime.MinValue"/> (an entry's unset time) stays as it is: Npgsql stores it as -infinity and reads it back.
    /// </summary>
    public static DateTime ToStoredTime(DateTime value)
    {
        if (value == DateTime.MinValue || value == DateTime.MaxValue)
        {
            return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        }

        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    private static DateTime AsUtc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
