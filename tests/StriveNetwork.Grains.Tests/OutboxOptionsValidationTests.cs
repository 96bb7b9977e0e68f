using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The outbox's settings are checked when a host resolves them, against the shortest reminder period its Orleans
/// accepts: a period Orleans would refuse at the first registration stops the host, naming the key.
/// </summary>
public sealed class OutboxOptionsValidationTests
{
    [Fact]
    public void APeriodUnderOrleansDefaultMinimum_IsRefused_NamingTheKey()
    {
        using var services = Services(TimeSpan.FromSeconds(30), minimum: null);
        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OutboxOptions>>().Value);
        Assert.Equal("Strive:Outbox:ReminderPeriod must be within 00:01:00..01:00:00 (got 00:00:30)", Assert.Single(refused.Failures));
    }

    [Fact]
    public void AHostThatLowersOrleansMinimum_AcceptsPeriodsDownToIt()
    {
        using var services = Services(TimeSpan.FromSeconds(2), minimum: TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), services.GetRequiredService<IOptions<OutboxOptions>>().Value.ReminderPeriod);

        using var under = Services(TimeSpan.FromMilliseconds(500), minimum: TimeSpan.FromSeconds(1));
        var refused = Assert.Throws<OptionsValidationException>(() => under.GetRequiredService<IOptions<OutboxOptions>>().Value);
        Assert.StartsWith("Strive:Outbox:ReminderPeriod must be within 00:00:01..", Assert.Single(refused.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00.009")]
    [InlineData("00:10:00.001")]
    public void ABackoffOutsideItsBounds_IsRefused_NamingTheKey(string backoff)
    {
        var options = new OutboxOptions { MaxBackoff = TimeSpan.Parse(backoff, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(
            $"Strive:Outbox:MaxBackoff must be within 00:00:00.0100000..00:10:00 (got {options.MaxBackoff})",
            Assert.Single(options.Validate()));
    }

    [Fact]
    public void TheBoundsThemselves_AreAccepted()
    {
        Assert.Empty(new OutboxOptions { ReminderPeriod = OutboxOptions.MinSiloReminderPeriod, MaxBackoff = OutboxOptions.MinMaxBackoff }.Validate());
        Assert.Empty(new OutboxOptions { ReminderPeriod = OutboxOptions.MaxReminderPeriod, MaxBackoff = OutboxOptions.MaxMaxBackoff }.Validate());
    }

    private static ServiceProvider Services(TimeSpan period, TimeSpan? minimum)
    {
        var services = new ServiceCollection();
        if (minimum is { } m)
        {
            services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = m);
        }

        services.AddStriveGrains(outbox: o => o.ReminderPeriod = period);
        return services.BuildServiceProvider();
    }
}
