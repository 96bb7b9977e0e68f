using System.Text.Json;
using StriveNetwork.Dashboard.Api;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Live;

/// <summary>
/// The numbers of the overview as one small JSON object, the data of a <c>rollup</c> server-sent event. Keys are the
/// proto enum names the page's <c>data-*</c> attributes carry, so live.js finds each number by its test id and key.
/// </summary>
public static class RollupJson
{
    /// <summary>The JSON of <paramref name="rollup"/>.</summary>
    public static string Write(V1.NetworkRollup rollup)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", rollup.Version);
            json.WriteNumber("partnershipCount", rollup.PartnershipCount);
            json.WriteStartObject("gateways");
            foreach (var gateway in rollup.Gateways)
            {
                json.WriteNumber(ProtoNames.Of(gateway.Gateway), gateway.PartnershipCount);
            }

            json.WriteEndObject();
            json.WriteStartObject("designations");
            foreach (var designation in rollup.Designations)
            {
                json.WriteNumber(ProtoNames.Of(designation.Designation), designation.PartnershipCount);
            }

            json.WriteEndObject();
            json.WriteStartObject("outcomes");
            foreach (var outcome in rollup.OutcomeTrends)
            {
                json.WriteStartObject(ProtoNames.Of(outcome.Outcome));
                json.WriteNumber("improved", outcome.Improved);
                json.WriteNumber("maintained", outcome.Maintained);
                json.WriteNumber("worsened", outcome.Worsened);
                json.WriteNumber("insufficient", outcome.InsufficientData);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
