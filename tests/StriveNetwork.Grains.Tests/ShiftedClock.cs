namespace StriveNetwork.Grains.Tests;

/// <summary>The system clock moved by <see cref="Offset"/>: the date a grain sees changes while timers keep real time.</summary>
public sealed class ShiftedClock : TimeProvider
{
    /// <summary>Added to the system's UTC time.</summary>
    public TimeSpan Offset { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
