using System.Globalization;
using Microsoft.Playwright;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>Integer texts on the pages (InvariantCulture, thousands separators allowed).</summary>
public static class PageNumbers
{
    public static async Task<long> NumberAsync(ILocator locator)
    {
        var text = (await locator.InnerTextAsync()).Trim();
        Assert.True(long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value), $"'{text}' is not an integer");
        return value;
    }

    /// <summary>Waits (bounded: polls every 250 ms up to <paramref name="timeout"/>) until the element shows <paramref name="expected"/>.</summary>
    public static async Task WaitForNumberAsync(ILocator locator, long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long last;
        do
        {
            last = await NumberAsync(locator);
            if (last == expected)
            {
                return;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"the page showed {last}, not {expected}, after {timeout.TotalSeconds} s");
    }
}
