using System.Collections.Frozen;
using Google.Protobuf.Reflection;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// The most characters of each string field and the most entries of each repeated field of a request, as the
/// strive.v1 protos document them (a test parses the proto comments and checks this table against them). A field
/// the table does not list gets <see cref="DefaultStringLength"/> or <see cref="DefaultListCount"/>, which
/// common.proto documents as the convention. Keys are full proto field names (<c>strive.v1.UploadRow.client_ref</c>).
/// Lengths count UTF-16 code units (what .NET and the grains count).
/// </summary>
public static class FieldLimits
{
    /// <summary>Most characters of a string field the table does not list.</summary>
    public const int DefaultStringLength = 200;

    /// <summary>Most entries of a repeated field the table does not list.</summary>
    public const int DefaultListCount = 1_000;

    /// <summary>String fields with a documented limit other than the default (and those documented at the default).</summary>
    public static FrozenDictionary<string, int> Strings { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["strive.v1.IssueTokenRequest.description"] = 200,
        ["strive.v1.RevokeTokenRequest.reason"] = 500,
        ["strive.v1.ListTokensRequest.page_token"] = 500,
        ["strive.v1.CreateCohortRequest.display_name"] = 200,
        ["strive.v1.CreateCohortRequest.description"] = 2_000,
        ["strive.v1.ListFrameworksRequest.page_token"] = 500,
        ["strive.v1.IndicatorDefinition.display_name"] = 200,
        ["strive.v1.IndicatorDefinition.description"] = 2_000,
        ["strive.v1.IndicatorDefinition.adjacent_sector_description"] = 200,
        ["strive.v1.IndicatorDefinition.source"] = 500,
        ["strive.v1.SourceSuppression.marker"] = 20,
        ["strive.v1.UploadRow.client_ref"] = 100,
        ["strive.v1.ListPartnershipsRequest.page_token"] = 500,
        ["strive.v1.PartnershipProfile.display_name"] = 200,
        ["strive.v1.GeographicScope.description"] = 500,
        ["strive.v1.AnchorEntity.name"] = 200,
        ["strive.v1.BenchmarkAssessment.evidence_note"] = 4_000,
        ["strive.v1.BenchmarkAssessment.assessor"] = 200,
        ["strive.v1.SystemsChangeExample.example_id"] = 100,
        ["strive.v1.SystemsChangeExample.description"] = 4_000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Repeated fields with a documented limit.</summary>
    public static FrozenDictionary<string, int> Lists { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["strive.v1.CreateCohortRequest.member_ids"] = 500,
        ["strive.v1.IndicatorDefinition.targets"] = 50,
        ["strive.v1.IndicatorDefinition.gaps"] = 50,
        ["strive.v1.SubmitObservationsRequest.observations"] = 5_000,
        ["strive.v1.UploadChunk.rows"] = 1_000,
        ["strive.v1.RecordAssessmentRequest.assessments"] = 500,
        ["strive.v1.RecordAssessmentRequest.systems_change_examples"] = 100,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The most characters of a string field (of each element, when repeated).</summary>
    public static int StringLength(FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Strings.TryGetValue(field.FullName, out var limit) ? limit : DefaultStringLength;
    }

    /// <summary>The most entries of a repeated or map field.</summary>
    public static int ListCount(FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Lists.TryGetValue(field.FullName, out var limit) ? limit : DefaultListCount;
    }
}
