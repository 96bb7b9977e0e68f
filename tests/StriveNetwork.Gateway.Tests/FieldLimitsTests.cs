using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Grpc.Core;
using StriveNetwork.Gateway.Limits;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The field limits are the protos' own words: the table agrees with every <c>N..M characters</c> and
/// <c>N..M</c> (entries) comment of a request field, and the validator names the field path, never the value.
/// </summary>
public sealed partial class FieldLimitsTests
{
    private static readonly FileDescriptor[] Files =
    [
        PartnershipReflection.Descriptor, IndicatorReflection.Descriptor, CohortReflection.Descriptor,
        NetworkReflection.Descriptor, FrameworkReflection.Descriptor, AdminReflection.Descriptor,
    ];

    [Fact]
    public void Table_AgreesWithTheProtoComments_ForEveryRequestField()
    {
        var comments = ProtoComments();
        var checkedFields = 0;
        foreach (var field in RequestFields())
        {
            var comment = comments.GetValueOrDefault(field.FullName, string.Empty);
            if (field.IsRepeated)
            {
                var documented = ListLimit().Match(comment);
                if (documented.Success)
                {
                    Assert.True(
                        Number(documented.Groups["max"].Value) == FieldLimits.ListCount(field),
                        $"{field.FullName}: the proto says at most {documented.Groups["max"].Value}, the table {FieldLimits.ListCount(field)}");
                    checkedFields++;
                }
                else
                {
                    Assert.False(FieldLimits.Lists.ContainsKey(field.FullName), $"{field.FullName} has a limit in the table that its proto comment does not document");
                }
            }

            if (field.FieldType == FieldType.String && !field.IsRepeated)
            {
                var documented = StringLimit().Match(comment);
                if (documented.Success)
                {
                    Assert.True(
                        Number(documented.Groups["max"].Value) == FieldLimits.StringLength(field),
                        $"{field.FullName}: the proto says at most {documented.Groups["max"].Value} characters, the table {FieldLimits.StringLength(field)}");
                    checkedFields++;
                }
                else
                {
                    Assert.False(FieldLimits.Strings.ContainsKey(field.FullName), $"{field.FullName} has a limit in the table that its proto comment does not document");
                }
            }
        }

        // Every entry of the table is a request field (a typo would silently leave the default in force).
        var names = RequestFields().Select(f => f.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.All(FieldLimits.Strings.Keys.Concat(FieldLimits.Lists.Keys), key => Assert.Contains(key, names));
        Assert.Equal(FieldLimits.Strings.Count + FieldLimits.Lists.Count, checkedFields);
    }

    [Fact]
    public void CommonProto_DocumentsTheDefaults()
    {
        var common = File.ReadAllText(Path.Combine(ProtoDirectory(), "common.proto"));
        Assert.Contains($"at most {FieldLimits.DefaultStringLength} characters", common, StringComparison.Ordinal);
        Assert.Contains($"at most {FieldLimits.DefaultListCount.ToString("N0", CultureInfo.InvariantCulture)} entries", common, StringComparison.Ordinal);
    }

    [Fact]
    public void UploadRow_ClientRef_OverTheLimit_NamesThePath_NotTheValue()
    {
        var request = new UploadObservationsRequest { Chunk = new UploadChunk() };
        for (var i = 0; i < 4; i++)
        {
            request.Chunk.Rows.Add(new UploadRow { IndicatorId = "kr", ClientRef = new string('x', i == 3 ? 101 : 100) });
        }

        var exception = Assert.Throws<RpcException>(() => RequestFieldValidator.Check(request));
        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Equal("chunk.rows[3].client_ref: at most 100 characters", exception.Status.Detail);
    }

    [Fact]
    public void EvidenceNote_AtTheLimitPasses_OneOverFails()
    {
        var request = new RecordAssessmentRequest { PartnershipId = "alpha" };
        for (var i = 0; i < 3; i++)
        {
            request.Assessments.Add(new BenchmarkAssessment { BenchmarkId = "b", EvidenceNote = new string('n', 4_000), Assessor = "a" });
        }

        Assert.Null(RequestFieldValidator.Problem(request));
        request.Assessments[2].EvidenceNote += "!";
        Assert.Equal(("assessments[2].evidence_note", "at most 4000 characters"), RequestFieldValidator.Problem(request));
    }

    [Fact]
    public void RepeatedField_OverItsCount_IsNamed()
    {
        var request = new SubmitObservationsRequest { PartnershipId = "alpha", IndicatorId = "kr" };
        request.Observations.AddRange(Enumerable.Range(0, 5_000).Select(_ => new Observation()));
        Assert.Null(RequestFieldValidator.Problem(request));
        request.Observations.Add(new Observation());
        Assert.Equal(("observations", "at most 5000 entries"), RequestFieldValidator.Problem(request));
    }

    [Fact]
    public void UnlistedString_GetsTheDefault()
    {
        Assert.Null(RequestFieldValidator.Problem(new GetPartnershipRequest { PartnershipId = new string('a', FieldLimits.DefaultStringLength) }));
        Assert.Equal(
            ("partnership_id", $"at most {FieldLimits.DefaultStringLength} characters"),
            RequestFieldValidator.Problem(new GetPartnershipRequest { PartnershipId = new string('a', FieldLimits.DefaultStringLength + 1) }));
    }

    [Fact]
    public void NestedMessages_AndOneofs_AreWalked()
    {
        var marker = new SubmitObservationsRequest { PartnershipId = "alpha", IndicatorId = "kr" };
        marker.Observations.Add(new Observation { SuppressedAtSource = new SourceSuppression { Marker = new string('*', 21) } });
        Assert.Equal(("observations[0].suppressed_at_source.marker", "at most 20 characters"), RequestFieldValidator.Problem(marker));

        var scope = new RegisterPartnershipRequest
        {
            PartnershipId = "p1",
            Profile = new PartnershipProfile { GeographicScope = new GeographicScope { Description = new string('d', 501) } },
        };
        Assert.Equal(("profile.geographic_scope.description", "at most 500 characters"), RequestFieldValidator.Problem(scope));
    }

    // Every message type a strive.v1 call can receive, and its fields, through nested messages.
    private static IEnumerable<FieldDescriptor> RequestFields()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<MessageDescriptor>(Files.SelectMany(f => f.Services).SelectMany(s => s.Methods).Select(m => m.InputType));
        while (pending.Count > 0)
        {
            var message = pending.Dequeue();
            if (!seen.Add(message.FullName))
            {
                continue;
            }

            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                yield return field;
                if (field.FieldType == FieldType.Message)
                {
                    pending.Enqueue(field.MessageType);
                }
            }
        }
    }

    // The comment lines right above each field, by full field name ("strive.v1.UploadRow.client_ref").
    private static Dictionary<string, string> ProtoComments()
    {
        var comments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(ProtoDirectory(), "*.proto"))
        {
            var scopes = new Stack<string?>();
            var pending = new List<string>();
            foreach (var raw in File.ReadLines(file))
            {
                var line = raw.Trim();
                if (line.StartsWith("//", StringComparison.Ordinal))
                {
                    pending.Add(line[2..].Trim());
                    continue;
                }

                if (BlockStart().Match(line) is { Success: true } block)
                {
                    scopes.Push(block.Groups["kind"].Value == "message" ? block.Groups["name"].Value : null);
                }
                else if (line.StartsWith('}'))
                {
                    scopes.TryPop(out _);
                }
                else if (FieldLine().Match(line) is { Success: true } field && scopes.FirstOrDefault(s => s is not null) is { } message)
                {
                    comments["strive.v1." + message + "." + field.Groups["name"].Value] = string.Join(" ", pending);
                }

                pending.Clear();
            }
        }

        return comments;
    }

    private static string ProtoDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var protos = Path.Combine(directory.FullName, "gateway-grpc", "protos", "strive", "v1");
            if (Directory.Exists(protos))
            {
                return protos;
            }
        }

        throw new DirectoryNotFoundException("gateway-grpc/protos/strive/v1 not found above the test's directory");
    }

    private static int Number(string text) => int.Parse(text.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\A(?<kind>message|oneof|enum|service)\s+(?<name>\w+)\s*\{")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"\A(repeated\s+|optional\s+)?[\w.]+\s+(?<name>\w+)\s*=\s*\d+")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"\b\d[\d,]*\.\.(?<max>\d[\d,]*) characters\b")]
    private static partial Regex StringLimit();

    [GeneratedRegex(@"\b\d[\d,]*\.\.(?<max>\d[\d,]*)\b")]
    private static partial Regex ListLimit();
}
