using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Silo.Hosting;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// Strive:Outbox is what the grains' outbox delivery uses: the resume reminder every 5 minutes by default (ADR 0024),
/// taken from configuration, refused out of range (the process test of a bad value is in <see cref="SiloLimitsTests"/>).
/// </summary>
public sealed class OutboxOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Default_RemindsEveryFiveMinutes_AndIsValid()
    {
        var options = Outbox([]);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ReminderPeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxBackoff);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Configured_IsWhatTheGrainsUse()
    {
        var options = Outbox(new() { ["Strive:Outbox:ReminderPeriod"] = "00:12:00", ["Strive:Outbox:MaxBackoff"] = "00:00:05" });
        Assert.Equal(TimeSpan.FromMinutes(12), options.ReminderPeriod);
        Assert.Equal(TimeSpan.FromSeconds(5), options.MaxBackoff);
    }

    [Theory]
    [InlineData("00:00:59", "Strive:Outbox:ReminderPeriod must be within 00:01:00..01:00:00 (got 00:00:59)")]
    [InlineData("01:00:01", "Strive:Outbox:ReminderPeriod must be within 00:01:00..01:00:00 (got 01:00:01)")]
    public void ReminderPeriodOutOfRange_IsAProblemNamingTheKey(string period, string expected) =>
        Assert.Equal(expected, Assert.Single(new OutboxOptions { ReminderPeriod = TimeSpan.Parse(period, System.Globalization.CultureInfo.InvariantCulture) }.Validate()));

    [Fact]
    public void MaxBackoffOutOfRange_IsAProblemNamingTheKey() =>
        Assert.StartsWith("Strive:Outbox:MaxBackoff must be within ", Assert.Single(new OutboxOptions { MaxBackoff = TimeSpan.Zero }.Validate()), StringComparison.Ordinal);

    // The options of a silo host configured as the silo configures it; the host is built, never started.
    private OutboxOptions Outbox(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var options = new SiloOptions { DataDir = _dir.Sub("data") };
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, dashboard: false));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<OutboxOptions>>().Value;
    }
}
