using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// Every write RPC and every read with ids or paging, fed bad input: each answer has the exact status and a message
/// that names the field and the bad value, and the stored state read back before and after is identical.
/// </summary>
public sealed class BadInputTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Nobody = "nobody";
    private const string Newcomer = "newcomer";
    private const string NewCohort = "new-cohort";
    private const string NewIndicator = "new-indicator";

    /// <summary>One bad call: what it sends (as whom) and the status and message parts it must answer with.</summary>
    public sealed record Case(string Name, Func<GatewayFixture, Task<(StatusCode Code, string Message)>> Call, StatusCode Code, string[] MessageParts);

    private static Case Admin<TReq, TResp>(string name, string method, Func<TReq> request, StatusCode code, params string[] parts)
        where TReq : class, IMessage<TReq>
        where TResp : class, IMessage<TResp>, new() =>
        new(name, f => f.StatusOfAsync<TReq, TResp>(f.Admin, method, request()), code, parts);

    private static Case AsAlpha<TReq, TResp>(string name, string method, Func<TReq> request, StatusCode code, params string[] parts)
        where TReq : class, IMessage<TReq>
        where TResp : class, IMessage<TResp>, new() =>
        new(name, f => f.StatusOfAsync<TReq, TResp>(f.PartnershipAlpha, method, request()), code, parts);

    private static Case Register(string name, Func<RegisterPartnershipRequest> request, StatusCode code, params string[] parts) =>
        Admin<RegisterPartnershipRequest, RegisterPartnershipResponse>(name, "PartnershipService/RegisterPartnership", request, code, parts);

    private static Case Assess(string name, Func<RecordAssessmentRequest> request, StatusCode code, params string[] parts) =>
        Admin<RecordAssessmentRequest, RecordAssessmentResponse>(name, "PartnershipService/RecordAssessment", request, code, parts);

    private static Case Define(string name, Func<DefineIndicatorRequest> request, StatusCode code, params string[] parts) =>
        Admin<DefineIndicatorRequest, DefineIndicatorResponse>(name, "IndicatorService/DefineIndicator", request, code, parts);

    private static Case Submit(string name, Func<SubmitObservationsRequest> request, StatusCode code, params string[] parts) =>
        Admin<SubmitObservationsRequest, SubmitObservationsResponse>(name, "IndicatorService/SubmitObservations", request, code, parts);

    private static Case Upload(string name, Func<UploadObservationsRequest[]> messages, StatusCode code, params string[] parts) =>
        new(name, async f =>
        {
            var (status, message, response) = await f.UploadAsync(f.Admin, messages());
            return response is null ? (status, message) : (StatusCode.OK, $"stream succeeded: {response}");
        }, code, parts);

    private static Case Token(string name, Func<IssueTokenRequest> request, StatusCode code, params string[] parts) =>
        Admin<IssueTokenRequest, IssueTokenResponse>(name, "AdminService/IssueToken", request, code, parts);

    private static Case Update(string name, Func<string, UpdatePartnershipProfileRequest> request, StatusCode code, params string[] parts) =>
        new(name, async f => await f.StatusOfAsync<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(f.Admin, "PartnershipService/UpdatePartnershipProfile", request(await EtagAsync(f))), code, parts);

    private static async Task<string> EtagAsync(GatewayFixture f) =>
        (await f.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(f.Admin, "PartnershipService/GetPartnership", new() { PartnershipId = "alpha" })).Partnership.Etag;

    private static RegisterPartnershipRequest NewPartnership(Action<PartnershipProfile> change, string id = Newcomer)
    {
        var profile = GatewayFixture.Profile("toa-6g");
        change(profile);
        return new RegisterPartnershipRequest { PartnershipId = id, Profile = profile };
    }

    private static RecordAssessmentRequest Assessments(string partnership, params BenchmarkAssessment[] entries)
    {
        var request = new RecordAssessmentRequest { PartnershipId = partnership };
        request.Assessments.AddRange(entries);
        return request;
    }

    private static BenchmarkAssessment Entry(string benchmark, Action<BenchmarkAssessment>? change = null)
    {
        var entry = GatewayFixture.Assessment(benchmark, BenchmarkStatus.InProgress);
        change?.Invoke(entry);
        return entry;
    }

    private static DefineIndicatorRequest Definition(Action<IndicatorDefinition> change, string indicator = NewIndicator, string partnership = "alpha")
    {
        var definition = GatewayFixture.Definition(2021);
        change(definition);
        return new DefineIndicatorRequest { PartnershipId = partnership, IndicatorId = indicator, Definition = definition };
    }

    private static SubmitObservationsRequest Observations(params Observation[] rows) => ObservationsOf("alpha", GatewayFixture.AlphaIndicator, rows);

    private static SubmitObservationsRequest ObservationsOf(string partnership, string indicator, params Observation[] rows)
    {
        var request = new SubmitObservationsRequest { PartnershipId = partnership, IndicatorId = indicator };
        request.Observations.AddRange(rows);
        return request;
    }

    // A valid row for a cell alpha has no data for: if anything of a rejected batch were stored, this would show.
    private static Observation Good() => GatewayFixture.Observation(2023, Gender.All, Population.AllStudents, 60, 100);

    private static Observation Row(int numerator, int denominator, int year = 2023, Gender gender = Gender.Female, Population population = Population.Black) =>
        GatewayFixture.Observation(year, gender, population, numerator, denominator);

    private static UploadObservationsRequest Header(string partnership) => new() { Header = new UploadHeader { PartnershipId = partnership } };

    private static UploadObservationsRequest Chunk(int rows)
    {
        var chunk = new UploadChunk();
        for (var i = 0; i < rows; i++)
        {
            chunk.Rows.Add(new UploadRow { IndicatorId = GatewayFixture.AlphaIndicator, Observation = Good() });
        }

        return new UploadObservationsRequest { Chunk = chunk };
    }

    private static readonly int NextYear = DateTime.UtcNow.Year + 1;

    private static readonly Case[] Cases =
    [
        // ---- RegisterPartnership
        Register("register: malformed id", () => NewPartnership(_ => { }, "Bad_Id"), StatusCode.InvalidArgument,
            "partnership_id: is not a valid id (2 to 63 characters: a lower-case letter, then lower-case letters, digits or hyphens)"),
        Register("register: missing id", () => NewPartnership(_ => { }, ""), StatusCode.InvalidArgument, "partnership_id: is required"),
        Register("register: missing profile", () => new() { PartnershipId = Newcomer }, StatusCode.InvalidArgument, "profile: is required"),
        Register("register: scope level UNSPECIFIED", () => NewPartnership(p => p.GeographicScope.Level = GeographicScopeLevel.Unspecified), StatusCode.InvalidArgument,
            "profile.geographic_scope.level: is required"),
        Register("register: sector UNSPECIFIED", () => NewPartnership(p => p.LeadershipTableSectors.Add(Sector.Unspecified)), StatusCode.InvalidArgument,
            "profile.leadership_table_sectors[0]: must not be SECTOR_UNSPECIFIED"),
        Register("register: duplicate sector", () => NewPartnership(p => p.LeadershipTableSectors.Add([Sector.Business, Sector.Business])), StatusCode.InvalidArgument,
            "profile.leadership_table_sectors[1]: duplicate sector Business"),
        Register("register: staff role UNSPECIFIED", () => NewPartnership(p => p.KeyStaffRolesFilled.Add(StaffRole.Unspecified)), StatusCode.InvalidArgument,
            "profile.key_staff_roles_filled[0]: must not be STAFF_ROLE_UNSPECIFIED"),
        Register("register: empty display name", () => NewPartnership(p => p.DisplayName = ""), StatusCode.InvalidArgument, "profile.display_name: must be 1..200 characters."),
        Register("register: missing framework", () => NewPartnership(p => p.FrameworkId = ""), StatusCode.InvalidArgument, "profile.framework_id: is required."),
        Register("register: missing scope description", () => NewPartnership(p => p.GeographicScope.Description = ""), StatusCode.InvalidArgument,
            "profile.geographic_scope.description: must be 1..500 characters."),
        Register("register: bad state code", () => NewPartnership(p => p.UsState = "Ohio"), StatusCode.InvalidArgument,
            "profile.us_state: must be a two-letter upper-case USPS code."),
        Register("register: unknown framework", () => NewPartnership(p => p.FrameworkId = "toa-9g"), StatusCode.NotFound,
            "profile.framework_id: no such framework (known: toa-5g-2016, toa-6g)."),
        Register("register: duplicate registration", () => NewPartnership(_ => { }, "alpha"), StatusCode.AlreadyExists, "Partnership 'alpha' already exists."),

        // ---- UpdatePartnershipProfile
        Update("update: empty mask", etag => new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-6g"), Etag = etag }, StatusCode.InvalidArgument,
            "update_mask: must name at least one field"),
        Update("update: malformed partnership id", etag => new() { PartnershipId = "alpha partnership", Profile = GatewayFixture.Profile("toa-6g"), Etag = etag, UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.InvalidArgument, "partnership_id: is not a valid id"),
        Update("update: unknown mask path", etag => new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-6g"), Etag = etag, UpdateMask = new FieldMask { Paths = { "name" } } },
            StatusCode.InvalidArgument, "update_mask.paths[0]: is not a field of PartnershipProfile (allowed: "),
        Update("update: missing etag", _ => new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-6g"), UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.InvalidArgument, "etag: is required (send the etag last read)"),
        Update("update: stale etag", _ => new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-6g"), Etag = "r0", UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.Aborted, "etag does not match the current etag 'r", "re-read the partnership and retry"),
        Update("update: empty display name", etag => new() { PartnershipId = "alpha", Profile = new PartnershipProfile(), Etag = etag, UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.InvalidArgument, "profile.display_name: must be 1..200 characters."),
        Update("update: unknown framework", etag => new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-9g"), Etag = etag, UpdateMask = new FieldMask { Paths = { "framework_id" } } },
            StatusCode.NotFound, "profile.framework_id: no such framework"),
        Update("update: unknown partnership", etag => new() { PartnershipId = Nobody, Profile = GatewayFixture.Profile("toa-6g"), Etag = etag, UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        new("update: partnership token moves framework", async f => await f.StatusOfAsync<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(
                f.PartnershipAlpha, "PartnershipService/UpdatePartnershipProfile",
                new() { PartnershipId = "alpha", Profile = GatewayFixture.Profile("toa-5g-2016"), Etag = await EtagAsync(f), UpdateMask = new FieldMask { Paths = { "framework_id" } } }),
            StatusCode.PermissionDenied, ["framework_id can be changed only with a NETWORK_ADMIN token"]),
        AsAlpha<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>("update: partnership token writes another partnership", "PartnershipService/UpdatePartnershipProfile",
            () => new() { PartnershipId = "beta", Profile = GatewayFixture.Profile("toa-6g"), Etag = "r1", UpdateMask = new FieldMask { Paths = { "display_name" } } },
            StatusCode.PermissionDenied, "this PARTNERSHIP token may access only partnership 'alpha', not 'beta'"),

        // ---- RecordAssessment (a valid first entry shows the batch is all or nothing)
        Assess("assess: unknown benchmark id", () => Assessments("alpha", Entry("6G-EMG-CA-1"), Entry("6G-XX-1")), StatusCode.InvalidArgument,
            "assessments[1].benchmark_id: is not a benchmark of framework 'toa-6g'."),
        Assess("assess: benchmark of the other framework", () => Assessments("alpha", Entry("5G-EMG-CA-1")), StatusCode.InvalidArgument,
            "assessments[0].benchmark_id: is not a benchmark of framework 'toa-6g'."),
        Assess("assess: duplicate benchmark in one batch", () => Assessments("alpha", Entry("6G-EMG-CA-1"), Entry("6G-EMG-CA-1")), StatusCode.InvalidArgument,
            "assessments[1].benchmark_id: appears twice in one request."),
        Assess("assess: status UNSPECIFIED", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.Status = BenchmarkStatus.Unspecified)), StatusCode.InvalidArgument,
            "assessments[0].status: must not be BENCHMARK_STATUS_UNSPECIFIED"),
        Assess("assess: date in the future", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.AssessmentDate = new Date { Year = NextYear, Month = 1, Day = 15 })),
            StatusCode.InvalidArgument, $"assessments[0].assessment_date: {NextYear}-01-15 is after today ("),
        Assess("assess: impossible date", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.AssessmentDate = new Date { Year = 2024, Month = 2, Day = 30 })),
            StatusCode.InvalidArgument, "assessments[0].assessment_date: 2024-02-30 is not a valid date"),
        Assess("assess: missing date", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.AssessmentDate = null)), StatusCode.InvalidArgument,
            "assessments[0].assessment_date: is required"),
        Assess("assess: empty assessor", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.Assessor = " ")), StatusCode.InvalidArgument,
            "assessments[0].assessor: must be 1..200 characters."),
        Assess("assess: evidence note too long", () => Assessments("alpha", Entry("6G-EMG-CA-1", e => e.EvidenceNote = new string('x', 4001))), StatusCode.InvalidArgument,
            "assessments[0].evidence_note: at most 4000 characters"),
        Assess("assess: nothing to record", () => Assessments("alpha"), StatusCode.InvalidArgument,
            "assessments: a request needs at least one assessment or one systems-change example."),
        Assess("assess: future systems-change example", () => new RecordAssessmentRequest
            {
                PartnershipId = "alpha",
                SystemsChangeExamples = { new SystemsChangeExample { ExampleId = "policy-change", Description = "District adopted policy", OccurrenceDate = new Date { Year = NextYear, Month = 6, Day = 1 } } },
            },
            StatusCode.InvalidArgument, $"systems_change_examples[0].occurrence_date: {NextYear}-06-01 is after today ("),
        Assess("assess: stale etag", () => new RecordAssessmentRequest { PartnershipId = "alpha", Assessments = { Entry("6G-EMG-CA-1") }, Etag = "r0" }, StatusCode.Aborted,
            "etag does not match the current etag 'r"),
        Assess("assess: unknown partnership", () => Assessments(Nobody, Entry("6G-EMG-CA-1")), StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Assess("assess: malformed partnership id", () => Assessments("9alpha", Entry("6G-EMG-CA-1")), StatusCode.InvalidArgument, "partnership_id: is not a valid id"),
        Assess("assess: more than 500 entries", () => Assessments("alpha", [.. Enumerable.Range(0, 501).Select(_ => Entry("6G-EMG-CA-1"))]), StatusCode.InvalidArgument,
            "assessments: at most 500 entries"),
        AsAlpha<RecordAssessmentRequest, RecordAssessmentResponse>("assess: partnership token writes another partnership", "PartnershipService/RecordAssessment",
            () => Assessments("beta", Entry("6G-EMG-CA-1")), StatusCode.PermissionDenied, "this PARTNERSHIP token may access only partnership 'alpha', not 'beta'"),

        // ---- DefineIndicator
        Define("define: malformed indicator id", () => Definition(_ => { }, "KR!"), StatusCode.InvalidArgument, "indicator_id: is not a valid id"),
        Define("define: malformed partnership id", () => Definition(_ => { }, partnership: "Alpha"), StatusCode.InvalidArgument, "partnership_id: is not a valid id"),
        Define("define: gap rule UNSPECIFIED", () => Definition(d => d.Gaps.Add(new GapDefinition { GapId = "g1", Focal = new Group { Gender = Gender.All, Population = Population.Black } })),
            StatusCode.InvalidArgument, "definition.gaps[0].reference_rule: must not be GAP_REFERENCE_RULE_UNSPECIFIED"),
        Define("define: gap focal gender UNSPECIFIED", () => Definition(d => d.Gaps.Add(new GapDefinition
            {
                GapId = "g1", Focal = new Group { Population = Population.Black }, ReferenceRule = GapReferenceRule.AllStudents,
            })),
            StatusCode.InvalidArgument, "definition.gaps[0].focal.gender: is required."),
        Define("define: duplicate gap id", () => Definition(d => d.Gaps.Add(
            [
                new GapDefinition { GapId = "g1", Focal = new Group { Gender = Gender.All, Population = Population.Black }, ReferenceRule = GapReferenceRule.AllStudents },
                new GapDefinition { GapId = "g1", Focal = new Group { Gender = Gender.All, Population = Population.Asian }, ReferenceRule = GapReferenceRule.AllStudents },
            ])),
            StatusCode.InvalidArgument, "definition.gaps[1].gap_id: g1 appears twice."),
        Define("define: two targets for one year", () => Definition(d => d.Targets.Add([new Target { Year = 2030, Value = 50 }, new Target { Year = 2030, Value = 60 }])),
            StatusCode.InvalidArgument, "definition.targets[1].year: 2030 appears twice; at most one target per year."),
        Define("define: missing definition", () => new() { PartnershipId = "alpha", IndicatorId = NewIndicator }, StatusCode.InvalidArgument, "definition: is required"),
        Define("define: outcome UNSPECIFIED", () => Definition(d => d.Outcome = Outcome.Unspecified), StatusCode.InvalidArgument, "definition.outcome: must not be OUTCOME_UNSPECIFIED"),
        Define("define: kind UNSPECIFIED", () => Definition(d => d.Kind = IndicatorKind.Unspecified), StatusCode.InvalidArgument, "definition.kind: must not be INDICATOR_KIND_UNSPECIFIED"),
        Define("define: polarity UNSPECIFIED", () => Definition(d => d.Polarity = Polarity.Unspecified), StatusCode.InvalidArgument, "definition.polarity: must not be POLARITY_UNSPECIFIED"),
        Define("define: unit UNSPECIFIED", () => Definition(d => d.Unit = Unit.Unspecified), StatusCode.InvalidArgument, "definition.unit: must be UNIT_PERCENT"),
        Define("define: baseline year out of range", () => Definition(d => d.BaselineYear = 1900), StatusCode.InvalidArgument, "definition.baseline_year: 1900 is outside 1990..2100."),
        Define("define: target rate out of range", () => Definition(d => d.Targets.Add(new Target { Year = 2030, Value = 150 })), StatusCode.InvalidArgument,
            "definition.targets[0].value: 150 is outside 0..100."),
        Define("define: version 0", () => Definition(d => d.DefinitionVersion = 0), StatusCode.InvalidArgument, "definition.definition_version: must be at least 1."),
        Define("define: named gap without a reference", () => Definition(d => d.Gaps.Add(new GapDefinition
            {
                GapId = "black-vs-white",
                Focal = new Group { Gender = Gender.All, Population = Population.Black },
                ReferenceRule = GapReferenceRule.NamedGroup,
            })),
            StatusCode.InvalidArgument, "definition.gaps[0].reference_population: is required for NAMED_GROUP."),
        Define("define: changing what an existing version measures", () => Definition(d => d.Outcome = Outcome.EarlyGradeReading, GatewayFixture.AlphaIndicator), StatusCode.FailedPrecondition,
            "definition: outcome cannot change within definition version 1; raise definition_version to start a new series."),
        Define("define: unknown partnership", () => Definition(_ => { }, partnership: Nobody), StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        AsAlpha<DefineIndicatorRequest, DefineIndicatorResponse>("define: partnership token writes another partnership", "IndicatorService/DefineIndicator",
            () => Definition(_ => { }, partnership: "beta"), StatusCode.PermissionDenied, "this PARTNERSHIP token may access only partnership 'alpha', not 'beta'"),

        // ---- SubmitObservations (a valid first row shows the batch is all or nothing)
        Submit("submit: numerator above denominator", () => Observations(Good(), Row(15, 12)), StatusCode.InvalidArgument,
            "1 invalid observation(s), nothing stored: observations[1].counts.numerator: numerator 15 is above denominator 12."),
        Submit("submit: negative numerator", () => Observations(Good(), Row(-1, 12)), StatusCode.InvalidArgument,
            "observations[1].counts.numerator: numerator -1 is negative."),
        Submit("submit: negative denominator", () => Observations(Good(), Row(0, -12)), StatusCode.InvalidArgument,
            "observations[1].counts.denominator: denominator -12 is negative."),
        Submit("submit: zero denominator", () => Observations(Good(), Row(0, 0)), StatusCode.InvalidArgument,
            "observations[1].counts.denominator: denominator is zero"),
        Submit("submit: year out of range", () => Observations(Good(), Row(5, 12, year: 1989)), StatusCode.InvalidArgument,
            "observations[1].year: year 1989 is outside 1990..2100."),
        Submit("submit: gender UNSPECIFIED", () => Observations(Good(), Row(5, 12, gender: Gender.Unspecified)), StatusCode.InvalidArgument,
            "observations[1].gender: gender is unspecified; every observation needs a gender."),
        Submit("submit: population UNSPECIFIED", () => Observations(Good(), Row(5, 12, population: Population.Unspecified)), StatusCode.InvalidArgument,
            "observations[1].population: population is unspecified; every observation needs a population."),
        Submit("submit: no value", () => Observations(Good(), new Observation { Year = 2023, Gender = Gender.Male, Population = Population.Asian }), StatusCode.InvalidArgument,
            "observations[1].counts: neither counts nor suppressed_at_source is set."),
        Submit("submit: duplicate cell", () => Observations(Good(), Good()), StatusCode.InvalidArgument,
            "observations[1].year: cell all/all for 2023 appears earlier in the same request"),
        Submit("submit: source marker too long", () => Observations(Good(), new Observation
            {
                Year = 2023, Gender = Gender.Male, Population = Population.Asian, SuppressedAtSource = new SourceSuppression { Marker = new string('*', 21) },
            }),
            StatusCode.InvalidArgument, "observations[1].suppressed_at_source.marker: at most 20 characters"),
        Submit("submit: several bad rows are all listed", () => Observations(Row(15, 12), Good(), Row(-1, 12, population: Population.Asian), Row(1, 0, population: Population.White)),
            StatusCode.InvalidArgument,
            "3 invalid observation(s), nothing stored: observations[0].counts.numerator: numerator 15 is above denominator 12.; observations[2].counts.numerator: numerator -1 is negative.; observations[3].counts.denominator: denominator is zero"),
        Submit("submit: empty batch", () => Observations(), StatusCode.InvalidArgument, "observations: must contain at least one observation"),
        Submit("submit: malformed indicator id", () => ObservationsOf("alpha", "Reading 3", Good()), StatusCode.InvalidArgument, "indicator_id: is not a valid id"),
        Submit("submit: unknown indicator", () => ObservationsOf("alpha", "no-such-indicator", Good()), StatusCode.NotFound,
            "Indicator 'no-such-indicator' of partnership 'alpha' does not exist."),
        Submit("submit: unknown partnership", () => ObservationsOf(Nobody, GatewayFixture.AlphaIndicator, Good()), StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Submit("submit: stale definition version", () => new SubmitObservationsRequest { PartnershipId = "alpha", IndicatorId = GatewayFixture.AlphaIndicator, DefinitionVersion = 2, Observations = { Good() } },
            StatusCode.FailedPrecondition, "definition_version: 2 is not the indicator's current version 1."),
        AsAlpha<SubmitObservationsRequest, SubmitObservationsResponse>("submit: partnership token writes another partnership", "IndicatorService/SubmitObservations",
            () => ObservationsOf("beta", GatewayFixture.AlphaIndicator, Good()), StatusCode.PermissionDenied, "this PARTNERSHIP token may access only partnership 'alpha', not 'beta'"),

        // ---- UploadObservations: errors of the whole stream (row errors are reported in the response, see below)
        Upload("upload: first message is a chunk", () => [Chunk(1)], StatusCode.InvalidArgument, "header: the first message of the stream must be a header"),
        Upload("upload: second header", () => [Header("alpha"), Chunk(1), Header("alpha")], StatusCode.InvalidArgument,
            "header: a stream carries exactly one header, as its first message"),
        Upload("upload: empty stream", () => [], StatusCode.InvalidArgument, "header: the stream carried no header"),
        Upload("upload: chunk over 1,000 rows", () => [Header("alpha"), Chunk(1001)], StatusCode.InvalidArgument, "chunk.rows: at most 1000 entries"),
        Upload("upload: malformed partnership id", () => [Header("Alpha"), Chunk(1)], StatusCode.InvalidArgument, "header.partnership_id: is not a valid id"),
        Upload("upload: unknown partnership", () => [Header(Nobody), Chunk(1)], StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        new("upload: partnership token writes another partnership", async f =>
            {
                var (code, message, response) = await f.UploadAsync(f.PartnershipAlpha, Header("beta"), Chunk(1));
                return response is null ? (code, message) : (StatusCode.OK, response.ToString());
            },
            StatusCode.PermissionDenied, ["this PARTNERSHIP token may access only partnership 'alpha', not 'beta'"]),

        // ---- CreateCohort, AddMember, RemoveMember
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: malformed id", "CohortService/CreateCohort", () => new() { CohortId = "New Cohort", DisplayName = "x" },
            StatusCode.InvalidArgument, "cohort_id: is not a valid id"),
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: empty display name", "CohortService/CreateCohort", () => new() { CohortId = NewCohort, MemberIds = { "alpha" } },
            StatusCode.InvalidArgument, "display_name: must be 1..200 characters."),
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: duplicate member", "CohortService/CreateCohort", () => new() { CohortId = NewCohort, DisplayName = "x", MemberIds = { "alpha", "alpha" } },
            StatusCode.InvalidArgument, "member_ids[1]: duplicate member 'alpha'"),
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: malformed member id", "CohortService/CreateCohort", () => new() { CohortId = NewCohort, DisplayName = "x", MemberIds = { "alpha", "Beta" } },
            StatusCode.InvalidArgument, "member_ids[1]: is not a valid id"),
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: unknown member", "CohortService/CreateCohort", () => new() { CohortId = NewCohort, DisplayName = "x", MemberIds = { "alpha", Nobody } },
            StatusCode.NotFound, "member_ids: partnership 'nobody' does not exist."),
        Admin<CreateCohortRequest, CreateCohortResponse>("cohort: duplicate cohort", "CohortService/CreateCohort", () => new() { CohortId = GatewayFixture.BetaOnlyCohort, DisplayName = "x", MemberIds = { "alpha" } },
            StatusCode.AlreadyExists, "Cohort 'beta-cohort' already exists."),
        Admin<AddMemberRequest, AddMemberResponse>("add member: missing cohort id", "CohortService/AddMember", () => new() { PartnershipId = "alpha" },
            StatusCode.InvalidArgument, "cohort_id: is required"),
        Admin<AddMemberRequest, AddMemberResponse>("add member: malformed cohort id", "CohortService/AddMember", () => new() { CohortId = "beta_cohort", PartnershipId = "alpha" },
            StatusCode.InvalidArgument, "cohort_id: is not a valid id"),
        Admin<AddMemberRequest, AddMemberResponse>("add member: malformed partnership id", "CohortService/AddMember", () => new() { CohortId = GatewayFixture.BetaOnlyCohort, PartnershipId = "ALPHA" },
            StatusCode.InvalidArgument, "partnership_id: is not a valid id"),
        Admin<AddMemberRequest, AddMemberResponse>("add member: unknown cohort", "CohortService/AddMember", () => new() { CohortId = "no-such-cohort", PartnershipId = "alpha" },
            StatusCode.NotFound, "Cohort 'no-such-cohort' does not exist."),
        Admin<AddMemberRequest, AddMemberResponse>("add member: unknown partnership", "CohortService/AddMember", () => new() { CohortId = GatewayFixture.BetaOnlyCohort, PartnershipId = Nobody },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Admin<RemoveMemberRequest, RemoveMemberResponse>("remove member: unknown cohort", "CohortService/RemoveMember", () => new() { CohortId = "no-such-cohort", PartnershipId = "alpha" },
            StatusCode.NotFound, "Cohort 'no-such-cohort' does not exist."),
        Admin<RemoveMemberRequest, RemoveMemberResponse>("remove member: malformed partnership id", "CohortService/RemoveMember", () => new() { CohortId = GatewayFixture.AlphaCohort, PartnershipId = "a" },
            StatusCode.InvalidArgument, "partnership_id: is not a valid id"),

        // ---- IssueToken, RevokeToken
        Token("token: role UNSPECIFIED", () => new() { Description = "x" }, StatusCode.InvalidArgument, "role: is required (ROLE_UNSPECIFIED is not a role)"),
        Token("token: partnership role without partnership", () => new() { Role = Role.Partnership, Description = "x" }, StatusCode.InvalidArgument, "partnership_id: is required"),
        Token("token: partnership role, malformed partnership", () => new() { Role = Role.Partnership, PartnershipId = "Alpha!", Description = "x" }, StatusCode.InvalidArgument,
            "partnership_id: is not a valid id"),
        Token("token: partnership role, unknown partnership", () => new() { Role = Role.Partnership, PartnershipId = Nobody, Description = "x" }, StatusCode.NotFound,
            "Partnership 'nobody' does not exist."),
        Token("token: viewer bound to a partnership", () => new() { Role = Role.NetworkViewer, PartnershipId = "alpha", Description = "x" }, StatusCode.InvalidArgument,
            "partnership_id: must be empty for role NETWORK_VIEWER"),
        Token("token: empty description", () => new() { Role = Role.NetworkViewer }, StatusCode.InvalidArgument, "description: must be 1..200 characters (got 0)"),
        Token("token: expiry in the past", () => new() { Role = Role.NetworkViewer, Description = "x", ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)) },
            StatusCode.InvalidArgument, "expire_time: is in the past."),
        Token("token: expiry too far ahead", () => new() { Role = Role.NetworkViewer, Description = "x", ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(401)) },
            StatusCode.InvalidArgument, "expire_time: is more than 400 days ahead."),
        Admin<RevokeTokenRequest, RevokeTokenResponse>("revoke: missing token id", "AdminService/RevokeToken", () => new(), StatusCode.InvalidArgument, "token_id: is required"),
        Admin<RevokeTokenRequest, RevokeTokenResponse>("revoke: unknown token", "AdminService/RevokeToken", () => new() { TokenId = "tok_nope" }, StatusCode.NotFound, "Token 'tok_nope' does not exist."),
        Admin<RevokeTokenRequest, RevokeTokenResponse>("revoke: reason too long", "AdminService/RevokeToken", () => new() { TokenId = "tok_nope", Reason = new string('x', 501) },
            StatusCode.InvalidArgument, "reason: at most 500 characters"),
        new("revoke: own token", f => f.StatusOfAsync<RevokeTokenRequest, RevokeTokenResponse>(f.Admin, "AdminService/RevokeToken", new() { TokenId = f.AdminTokenId }),
            StatusCode.FailedPrecondition, ["A token cannot revoke itself; use another admin token."]),

        // ---- Reads with ids or paging
        Admin<GetPartnershipRequest, GetPartnershipResponse>("get partnership: malformed id", "PartnershipService/GetPartnership", () => new() { PartnershipId = "-alpha" },
            StatusCode.InvalidArgument, "partnership_id: is not a valid id"),
        Admin<GetPartnershipRequest, GetPartnershipResponse>("get partnership: unknown", "PartnershipService/GetPartnership", () => new() { PartnershipId = Nobody },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Admin<GetProgressRequest, GetProgressResponse>("get progress: unknown", "PartnershipService/GetProgress", () => new() { PartnershipId = Nobody },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Admin<GetReportCardRequest, GetReportCardResponse>("report card: year out of range", "PartnershipService/GetReportCard", () => new() { PartnershipId = "alpha", Year = 1800 },
            StatusCode.InvalidArgument, "year: must be 0 (latest) or within 1990..2100 (got 1800)"),
        Admin<GetReportCardRequest, GetReportCardResponse>("report card: unknown partnership", "PartnershipService/GetReportCard", () => new() { PartnershipId = Nobody },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Admin<GetIndicatorRequest, GetIndicatorResponse>("get indicator: malformed id", "IndicatorService/GetIndicator", () => new() { PartnershipId = "alpha", IndicatorId = "k" },
            StatusCode.InvalidArgument, "indicator_id: is not a valid id"),
        Admin<GetIndicatorRequest, GetIndicatorResponse>("get indicator: unknown indicator", "IndicatorService/GetIndicator", () => new() { PartnershipId = "alpha", IndicatorId = "no-such-indicator" },
            StatusCode.NotFound, "Indicator 'no-such-indicator' of partnership 'alpha' does not exist."),
        Admin<GetIndicatorRequest, GetIndicatorResponse>("get indicator: unknown partnership", "IndicatorService/GetIndicator", () => new() { PartnershipId = Nobody, IndicatorId = "kr" },
            StatusCode.NotFound, "Partnership 'nobody' does not exist."),
        Admin<GetIndicatorRequest, GetIndicatorResponse>("get indicator: unknown version", "IndicatorService/GetIndicator", () => new() { PartnershipId = "alpha", IndicatorId = "kr", DefinitionVersion = 7 },
            StatusCode.NotFound, "Indicator 'kr' of partnership 'alpha' has no definition version 7."),
        Admin<GetIndicatorRequest, GetIndicatorResponse>("get indicator: negative version", "IndicatorService/GetIndicator", () => new() { PartnershipId = "alpha", IndicatorId = "kr", DefinitionVersion = -1 },
            StatusCode.InvalidArgument, "definition_version: must be 0 (current) or a positive version"),
        Admin<ListPartnershipsRequest, ListPartnershipsResponse>("list partnerships: garbage page token", "NetworkService/ListPartnerships", () => new() { PageToken = "%%%" },
            StatusCode.InvalidArgument, "page_token: is malformed."),
        Admin<ListPartnershipsRequest, ListPartnershipsResponse>("list partnerships: page token of other filters", "NetworkService/ListPartnerships",
            () => new() { PageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes("someone-else")), UsState = "OH" },
            StatusCode.InvalidArgument, "page_token: is malformed or was issued for different filters."),
        Admin<ListPartnershipsRequest, ListPartnershipsResponse>("list partnerships: negative page size", "NetworkService/ListPartnerships", () => new() { PageSize = -1 },
            StatusCode.InvalidArgument, "page_size: must not be negative"),
        Admin<ListTokensRequest, ListTokensResponse>("list tokens: negative page size", "AdminService/ListTokens", () => new() { PageSize = -5 },
            StatusCode.InvalidArgument, "page_size: must not be negative"),
        Admin<GetFrameworkRequest, GetFrameworkResponse>("get framework: missing id", "FrameworkService/GetFramework", () => new(),
            StatusCode.InvalidArgument, "framework_id: is required"),
        Admin<GetFrameworkRequest, GetFrameworkResponse>("get framework: unknown", "FrameworkService/GetFramework", () => new() { FrameworkId = "toa-9g" },
            StatusCode.NotFound, "framework_id: no such framework (known: toa-5g-2016, toa-6g)"),
        Admin<ListFrameworksRequest, ListFrameworksResponse>("list frameworks: page token", "FrameworkService/ListFrameworks", () => new() { PageToken = "x" },
            StatusCode.InvalidArgument, "page_token: is not a token this server issued"),
        Admin<CompareBenchmarksRequest, CompareBenchmarksResponse>("compare: unknown cohort", "CohortService/CompareBenchmarks", () => new() { CohortId = "no-such-cohort" },
            StatusCode.NotFound, "Cohort 'no-such-cohort' does not exist."),
    ];

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [Fact]
    public void Cases_HaveUniqueNames() => Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadInput_GetsItsStatusAndANamingMessage_AndChangesNothingStored(string name)
    {
        var bad = Cases.Single(c => c.Name == name);
        await SettledAsync();
        var before = await StoredStateAsync();

        var (code, message) = await bad.Call(fixture);

        Assert.True(code == bad.Code, $"{name}: expected {bad.Code}, got {code} '{message}'");
        foreach (var part in bad.MessageParts)
        {
            Assert.True(message.Contains(part, StringComparison.Ordinal), $"{name}: message '{message}' lacks '{part}'");
        }

        Assert.Equal(before, await StoredStateAsync());
    }

    [Fact]
    public async Task Upload_WithSomeBadRows_StoresTheGoodRowsAndReportsEachBadOneByIndexCodeAndField()
    {
        await SetUpUploadTargetAsync();
        var rows = new (string Indicator, Observation? Observation, int Guard, string ClientRef)[]
        {
            ("zz-unknown", Row(5, 20), 0, "file.csv:2"),                                 // 0 unknown indicator (seen first)
            ("reading", Row(30, 50, year: 2022, population: Population.White), 0, ""),   // 1 good
            ("reading", Row(15, 12, year: 2022), 0, "file.csv:4"),                       // 2 numerator above denominator
            ("reading", Row(-3, 12, year: 2022, population: Population.Asian), 0, ""),   // 3 negative count
            ("reading", Row(3, 0, year: 2022, population: Population.Hispanic), 0, ""),  // 4 zero denominator
            ("reading", Row(31, 50, year: 2022, population: Population.White), 0, ""),   // 5 duplicate of row 1
            ("reading", null, 0, ""),                                                    // 6 no observation
            ("reading", Row(5, 12, year: 2200), 0, ""),                                  // 7 year out of range
            ("reading", Row(5, 12, gender: Gender.Unspecified), 0, ""),                  // 8 unknown group
            ("reading", Row(5, 12, population: Population.Multiracial), 3, ""),          // 9 definition version mismatch
            ("reading", Row(40, 80, year: 2022, gender: Gender.Male, population: Population.White), 0, ""), // 10 good
            ("reading", new Observation { Year = 2022, Gender = Gender.Female, Population = Population.Black }, 0, ""), // 11 missing value
        };
        var chunk = new UploadChunk();
        foreach (var (indicator, observation, guard, clientRef) in rows)
        {
            chunk.Rows.Add(new UploadRow { IndicatorId = indicator, Observation = observation, DefinitionVersion = guard, ClientRef = clientRef });
        }

        // validate_only: the same counts and errors, nothing stored.
        var (dryCode, _, dry) = await fixture.UploadAsync(fixture.Admin, new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "gamma", ValidateOnly = true } }, new UploadObservationsRequest { Chunk = chunk });
        Assert.Equal(StatusCode.OK, dryCode);
        Assert.True(dry!.ValidateOnly);
        Assert.Equal((12, 2, 10), (dry.ReceivedCount, dry.AcceptedCount, dry.RejectedCount));
        Assert.Empty((await ReadingAsync()).Series);

        var (code, message, response) = await fixture.UploadAsync(fixture.Admin, Header("gamma"), new UploadObservationsRequest { Chunk = chunk });
        Assert.True(code == StatusCode.OK, message);
        Assert.False(response!.ValidateOnly);
        Assert.Equal((12, 2, 0, 10), (response.ReceivedCount, response.AcceptedCount, response.ReplacedCount, response.RejectedCount));
        Assert.False(response.ErrorsTruncated);
        Assert.Equal(
            [
                (0, "zz-unknown", "file.csv:2", ObservationErrorCode.UnknownIndicator, "indicator_id", "partnership 'gamma' has no indicator 'zz-unknown'"),
                (2, "reading", "file.csv:4", ObservationErrorCode.NumeratorAboveDenominator, "observation.counts.numerator", "numerator 15 is above denominator 12."),
                (3, "reading", "", ObservationErrorCode.NegativeCount, "observation.counts.numerator", "numerator -3 is negative."),
                (4, "reading", "", ObservationErrorCode.ZeroDenominator, "observation.counts.denominator", "denominator is zero; report the cell as suppressed at source or leave it out."),
                (5, "reading", "", ObservationErrorCode.DuplicateCell, "observation.year", "cell female/white for 2022 appears earlier in the same request; the earlier row wins."),
                (6, "reading", "", ObservationErrorCode.MissingValue, "observation", "the row has no observation."),
                (7, "reading", "", ObservationErrorCode.YearOutOfRange, "observation.year", "year 2200 is outside 1990..2100."),
                (8, "reading", "", ObservationErrorCode.UnknownGroup, "observation.gender", "gender is unspecified; every observation needs a gender."),
                (9, "reading", "", ObservationErrorCode.DefinitionVersionMismatch, "definition_version", "definition version 3 is not the indicator's current version 1."),
                (11, "reading", "", ObservationErrorCode.MissingValue, "observation.counts", "neither counts nor suppressed_at_source is set."),
            ],
            response.Errors.Select(e => (e.RowIndex, e.IndicatorId, e.ClientRef, e.Code, e.Field, e.Message)));

        // Counts per indicator, in first-seen order.
        Assert.Equal(
            [("zz-unknown", 0, 0, 1), ("reading", 2, 0, 9)],
            response.Indicators.Select(i => (i.IndicatorId, i.AcceptedCount, i.ReplacedCount, i.RejectedCount)));

        // Exactly the two good rows are stored (the earlier of the duplicate pair, 30 of 50).
        var stored = (await ReadingAsync()).Series.Single();
        Assert.Equal(2022, stored.Year);
        var reported = stored.Cells.Where(c => c.Rate.ValueCase != Rate.ValueOneofCase.NotReported).Select(c => (c.Group.Gender, c.Group.Population)).ToList();
        Assert.Equal([(Gender.Female, Population.White), (Gender.Male, Population.White)], reported);
        Assert.Equal([2022], (await ReadingAsync()).Indicator.Years);
    }

    [Fact]
    public async Task Submit_NumeratorAboveDenominator_ListsTheRowFieldAndBothValues_AndStoresNoRowOfTheBatch()
    {
        await SettledAsync();
        var before = await fixture.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(fixture.Admin, "IndicatorService/GetIndicator", new() { PartnershipId = "alpha", IndicatorId = "kr" });
        var (code, message) = await fixture.StatusOfAsync<SubmitObservationsRequest, SubmitObservationsResponse>(fixture.PartnershipAlpha, "IndicatorService/SubmitObservations", Observations(Good(), Row(15, 12)));
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("1 invalid observation(s), nothing stored: observations[1].counts.numerator: numerator 15 is above denominator 12.", message);
        var after = await fixture.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(fixture.Admin, "IndicatorService/GetIndicator", new() { PartnershipId = "alpha", IndicatorId = "kr" });
        Assert.Equal(before, after);
        Assert.Equal([2021, 2022], after.Indicator.Years);
    }

    [Fact]
    public async Task ManyBadRows_MessageListsTheFirstThreeAndCountsTheRest()
    {
        await SettledAsync();
        var rows = Enumerable.Range(0, 8).Select(i => Row(20, 10, year: 2010 + i)).ToArray();
        var (code, message) = await fixture.StatusOfAsync<SubmitObservationsRequest, SubmitObservationsResponse>(fixture.Admin, "IndicatorService/SubmitObservations", Observations(rows));
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.StartsWith("8 invalid observation(s), nothing stored: observations[0].counts.numerator: numerator 20 is above denominator 10.;", message);
        Assert.Contains("observations[2].counts.numerator", message, StringComparison.Ordinal);
        Assert.DoesNotContain("observations[3]", message, StringComparison.Ordinal);
        Assert.EndsWith(" (and 5 more)", message, StringComparison.Ordinal);
        Assert.True(message.Length <= 300, message);
    }

    private async Task SetUpUploadTargetAsync()
    {
        await fixture.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(fixture.Admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = "gamma", Profile = GatewayFixture.Profile("toa-6g") });
        await fixture.CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(fixture.Admin, "IndicatorService/DefineIndicator", Definition(_ => { }, "reading", "gamma"));
    }

    private async Task<GetIndicatorResponse> ReadingAsync() =>
        await fixture.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(fixture.Admin, "IndicatorService/GetIndicator", new() { PartnershipId = "gamma", IndicatorId = "reading" });

    /// <summary>
    /// Waits (bounded) until the fixture's own writes have reached their stream subscribers: alpha's progress counts
    /// indicator kr (its summary arrives through the indicator stream), so later reads are stable.
    /// </summary>
    private Task SettledAsync() => fixture.OnceAsync("settled", async () =>
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var progress = await fixture.CallAsync<GetProgressRequest, GetProgressResponse>(fixture.Admin, "PartnershipService/GetProgress", new() { PartnershipId = "alpha" });
            if (progress.Designations.SelectMany(d => d.Criteria).Any(c => c.CountedIds.Contains(GatewayFixture.AlphaIndicator)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "alpha's progress never counted indicator kr: " + progress);
            await Task.Delay(50);
        }
    });

    /// <summary>Everything a rejected call could have changed, read back as the admin (statuses included).</summary>
    private async Task<string> StoredStateAsync()
    {
        var state = new StringBuilder();
        async Task Read<TReq, TResp>(string method, TReq request, Func<TResp, object>? project = null)
            where TReq : class, IMessage<TReq>
            where TResp : class, IMessage<TResp>, new()
        {
            try
            {
                var response = await fixture.CallAsync<TReq, TResp>(fixture.Admin, method, request);
                state.Append(method).Append(' ').Append(request).Append(" -> ").AppendLine(project is null ? response.ToString() : string.Join(",", project(response)));
            }
            catch (RpcException exception)
            {
                state.Append(method).Append(' ').Append(request).Append(" -> ").Append(exception.StatusCode).Append(' ').AppendLine(exception.Status.Detail);
            }
        }

        foreach (var id in new[] { "alpha", "beta", Newcomer, Nobody })
        {
            await Read<GetPartnershipRequest, GetPartnershipResponse>("PartnershipService/GetPartnership", new() { PartnershipId = id });
            await Read<GetProgressRequest, GetProgressResponse>("PartnershipService/GetProgress", new() { PartnershipId = id });
        }

        foreach (var id in new[] { GatewayFixture.AlphaIndicator, NewIndicator })
        {
            await Read<GetIndicatorRequest, GetIndicatorResponse>("IndicatorService/GetIndicator", new() { PartnershipId = "alpha", IndicatorId = id });
        }

        // Cohort rollups follow the members' streams; membership is what a cohort write could change.
        foreach (var id in new[] { GatewayFixture.AlphaCohort, GatewayFixture.BetaOnlyCohort, NewCohort, "no-such-cohort" })
        {
            await Read<GetCohortRollupRequest, GetCohortRollupResponse>("CohortService/GetCohortRollup", new() { CohortId = id }, r => r.Members.Select(m => m.PartnershipId).Prepend(r.MemberCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await Read<ListTokensRequest, ListTokensResponse>("AdminService/ListTokens", new() { IncludeInactive = true, PageSize = 500 });
        return state.ToString();
    }
}
