using Google.Protobuf.WellKnownTypes;
using StriveNetwork.Domain;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;
using static StriveNetwork.Gateway.Mapping.EnumMap;

namespace StriveNetwork.Gateway.Mapping;

/// <summary>
/// Converts grain records to strive.v1 messages. This is the edge where suppression is enforced a second time:
/// counts leave only inside an exact, shown rate; anything suppressed, coded or not reported carries no number
/// derived from its counts, whatever the record holds.
/// </summary>
public static class ProtoMap
{
    public static Timestamp ToTimestamp(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);

    public static V1.Date ToProto(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    // ---- partnerships ----

    public static V1.PartnershipProfile ToProto(PartnershipProfile profile)
    {
        var result = new V1.PartnershipProfile
        {
            DisplayName = profile.DisplayName,
            UsState = profile.UsState,
            GeographicScope = new V1.GeographicScope { Level = EnumMap.ToProto(profile.ScopeLevel), Description = profile.ScopeDescription },
            FrameworkId = profile.FrameworkId,
        };
        if (profile.AnchorEntity is { } anchor)
        {
            result.AnchorEntity = new V1.AnchorEntity { Name = anchor.Name, FiscalAgent = anchor.FiscalAgent };
        }

        result.LeadershipTableSectors.AddRange(profile.LeadershipTableSectors.Select(EnumMap.ToProto));
        result.KeyStaffRolesFilled.AddRange(profile.KeyStaffRolesFilled.Select(EnumMap.ToProto));
        return result;
    }

    public static V1.Partnership ToProto(PartnershipInfo info)
    {
        var result = new V1.Partnership
        {
            PartnershipId = info.PartnershipId,
            Profile = ToProto(info.Profile),
            Gateway = EnumMap.ToProto(info.Gateway),
            Etag = info.Etag,
            CreateTime = ToTimestamp(info.CreateTime),
            UpdateTime = ToTimestamp(info.UpdateTime),
        };
        result.Designations.AddRange(info.Designations.Select(EnumMap.ToProto));
        return result;
    }

    public static V1.BenchmarkAssessment ToProto(AssessmentEntry entry) => new()
    {
        BenchmarkId = entry.BenchmarkId,
        Status = EnumMap.ToProto(entry.Status),
        EvidenceNote = entry.EvidenceNote,
        AssessmentDate = ToProto(entry.AssessmentDate),
        Assessor = entry.Assessor,
    };

    public static V1.SystemsChangeExample ToProto(SystemsChangeEntry entry) => new()
    {
        ExampleId = entry.ExampleId,
        Description = entry.Description,
        OccurrenceDate = ToProto(entry.OccurrenceDate),
    };

    public static V1.DesignationResult ToProto(DesignationView view)
    {
        var result = new V1.DesignationResult
        {
            Designation = EnumMap.ToProto(view.Designation),
            Met = view.Met,
            Explanation = view.Explanation,
            MissingPrerequisite = view.Criteria.FirstOrDefault(c => c.Kind is CriterionKind.InGateway or CriterionKind.DesignationHeld && !c.Met)?.Name ?? string.Empty,
        };
        result.Criteria.AddRange(view.Criteria.Select(c =>
        {
            var criterion = new V1.CriterionResult
            {
                Kind = DomainEnum.Name(c.Kind),
                CriterionKind = EnumMap.ToProto(c.Kind),
                Unit = c.Unit,
                Name = c.Name,
                Required = c.Required,
                Actual = c.Actual,
                Met = c.Met,
                Explanation = c.Explanation,
            };
            criterion.CountedIds.AddRange(c.CountedIds);
            return criterion;
        }));
        return result;
    }

    public static V1.DesignationResult ToProto(DesignationEvaluationRecord record) =>
        ToProto(new DesignationView(Designations.FromId(record.DesignationId) ?? Designation.ProofPoint, record.Met, record.Criteria, record.Explanation));

    public static V1.DesignationEvent ToProto(DesignationRecord record)
    {
        var result = new V1.DesignationEvent
        {
            Designation = Designations.FromId(record.DesignationId) is { } d ? EnumMap.ToProto(d) : V1.Designation.Unspecified,
            DisplayName = record.DesignationName,
            Kind = EnumMap.ToProto(record.Kind),
            Date = ToProto(record.Date),
            FrameworkId = record.FrameworkId,
            FrameworkVersion = record.FrameworkVersion,
            RulesRevision = record.RulesRevision,
            Evaluation = ToProto(record.Evaluation),
            Reason = record.Reason,
        };
        if (record.ReevaluationDue is { } due)
        {
            result.ReevaluationDue = ToProto(due);
        }

        return result;
    }

    public static V1.Reevaluation ToProto(ReevaluationRecord record)
    {
        var result = new V1.Reevaluation
        {
            Date = ToProto(record.Date),
            Trigger = EnumMap.ToProto(record.Trigger),
            TriggeredBy = record.TriggeredBy,
            RecordTime = ToTimestamp(record.RecordTime),
            FrameworkId = record.FrameworkId,
            FrameworkVersion = record.FrameworkVersion,
            RulesRevision = record.RulesRevision,
            GatewayBefore = EnumMap.ToProto(record.GatewayBefore),
            GatewayAfter = EnumMap.ToProto(record.GatewayAfter),
            Note = record.Note,
        };
        result.Events.AddRange(record.Events.Select(ToProto));
        result.Evaluations.AddRange(record.Evaluations.Select(ToProto));
        result.HeldBefore.AddRange(record.HeldBefore.Select(EnumMap.ToProto));
        result.HeldAfter.AddRange(record.HeldAfter.Select(EnumMap.ToProto));
        return result;
    }

    public static V1.StandingDesignation ToProto(StandingDesignationView view)
    {
        var result = new V1.StandingDesignation
        {
            Designation = EnumMap.ToProto(view.Designation),
            DisplayName = view.Name,
            AwardDate = ToProto(view.AwardDate),
            LastGranted = ToProto(view.LastGranted),
            FrameworkId = view.FrameworkId,
            FrameworkVersion = view.FrameworkVersion,
            RulesRevision = view.RulesRevision,
            Shown = view.Shown,
        };
        if (view.ReevaluationDue is { } due)
        {
            result.ReevaluationDue = ToProto(due);
        }

        return result;
    }

    public static V1.PartnershipSettings ToProto(PartnershipSettings settings)
    {
        var result = new V1.PartnershipSettings
        {
            MinimumN = settings.MinimumN,
            MinimumOutcomeCount = settings.MinimumOutcomeCount,
            ProtectionIntervalPercentagePoints = settings.ProtectionIntervalPercentagePoints,
            TrendAlpha = settings.TrendAlpha,
            RequireSustainedImprovement = settings.RequireSustainedImprovement,
            ReevaluationPeriodMonths = settings.ReevaluationPeriodMonths,
        };
        if (settings.TopCodeAbove is { } top)
        {
            result.TopCodeAbove = top;
        }

        if (settings.BottomCodeBelow is { } bottom)
        {
            result.BottomCodeBelow = bottom;
        }

        return result;
    }

    public static PartnershipSettings ToRecord(V1.PartnershipSettings settings) => new(
        settings.MinimumN,
        settings.MinimumOutcomeCount,
        settings.HasTopCodeAbove ? settings.TopCodeAbove : null,
        settings.HasBottomCodeBelow ? settings.BottomCodeBelow : null,
        settings.ProtectionIntervalPercentagePoints,
        settings.TrendAlpha,
        settings.RequireSustainedImprovement,
        settings.ReevaluationPeriodMonths);

    public static V1.SettingsChange ToProto(SettingsChange change) => new()
    {
        ChangeTime = ToTimestamp(change.Time),
        ChangedBy = change.ChangedBy,
        Before = ToProto(change.Before),
        After = ToProto(change.After),
    };

    public static V1.GetProgressResponse ToProto(PartnershipProgress progress)
    {
        var result = new V1.GetProgressResponse
        {
            PartnershipId = progress.PartnershipId,
            FrameworkId = progress.FrameworkId,
            Gateway = EnumMap.ToProto(progress.Gateway),
            NextGateway = EnumMap.ToProto(progress.NextGateway),
            Explanation = progress.Explanation,
        };
        result.StandingDesignations.AddRange(progress.Standing.Select(ToProto));
        result.DesignationHistory.AddRange(progress.DesignationHistory.Select(ToProto));
        if (progress.LastReevaluation is { } last)
        {
            result.LastReevaluation = ToProto(last);
        }

        if (progress.NextReevaluationDue is { } due)
        {
            result.NextReevaluationDue = ToProto(due);
        }

        foreach (var gateway in progress.Gateways)
        {
            var g = new V1.GatewayProgress
            {
                Gateway = EnumMap.ToProto(gateway.Gateway),
                Complete = gateway.Complete,
                MetCount = gateway.MetCount,
                TotalCount = gateway.TotalCount,
            };
            foreach (var pillar in gateway.Pillars)
            {
                var p = new V1.PillarProgress { Pillar = PillarToProto(pillar.PillarId), MetCount = pillar.MetCount, TotalCount = pillar.TotalCount };
                p.Benchmarks.AddRange(pillar.Benchmarks.Select(b =>
                {
                    var benchmark = new V1.BenchmarkProgress
                    {
                        BenchmarkId = b.BenchmarkId,
                        Text = b.Text,
                        Status = EnumMap.ToProto(b.Status),
                        CarriedOver = b.CarriedOver,
                    };
                    if (b.LatestAssessment is { } latest)
                    {
                        benchmark.LatestAssessment = ToProto(latest);
                    }

                    return benchmark;
                }));
                g.Pillars.Add(p);
            }

            result.Gateways.Add(g);
        }

        result.MissingBenchmarkIds.AddRange(progress.MissingBenchmarkIds);
        result.Designations.AddRange(progress.Designations.Select(ToProto));
        result.SystemsChangeExamples.AddRange(progress.SystemsChangeExamples.Select(ToProto));
        return result;
    }

    // ---- suppressible numbers ----

    public static V1.Rate ToProto(RateView rate)
    {
        switch (rate.State)
        {
            case RateState.Shown when rate.Value is { } value:
                var shown = new V1.RateValue { Value = value, Coding = V1.RateCoding.Exact, Display = rate.Display };
                if (rate.Numerator is { } numerator && rate.Denominator is { } denominator)
                {
                    shown.Counts = new V1.CellCounts { Numerator = Saturate(numerator), Denominator = Saturate(denominator) };
                }

                return new V1.Rate { Shown = shown };
            case RateState.TopCoded or RateState.BottomCoded when rate.Value is { } threshold:
                // Coded rates show only the threshold: never counts, which would give the exact value back.
                return new V1.Rate
                {
                    Shown = new V1.RateValue
                    {
                        Value = threshold,
                        Coding = rate.State == RateState.TopCoded ? V1.RateCoding.TopCoded : V1.RateCoding.BottomCoded,
                        Display = rate.Display,
                    },
                };
            case RateState.Suppressed:
                return new V1.Rate { Suppressed = new V1.Suppression { Reason = V1.SuppressionReason.SmallCell, Explanation = rate.Explanation } };
            case RateState.SuppressedAtSource:
                return new V1.Rate { Suppressed = new V1.Suppression { Reason = V1.SuppressionReason.AtSource, Explanation = rate.Explanation } };
            default:
                return new V1.Rate { NotReported = new V1.NotReported { Reason = V1.NotReportedReason.NoObservation, Explanation = rate.Explanation } };
        }
    }

    public static V1.SuppressibleValue ToProto(DerivedValue value) => value.State switch
    {
        DerivedState.Shown when value.Value is { } shown => new V1.SuppressibleValue { Shown = shown },
        DerivedState.DependsOnSuppressed => new V1.SuppressibleValue
        {
            Suppressed = new V1.Suppression { Reason = V1.SuppressionReason.DependsOnSuppressed, Explanation = value.Explanation },
        },
        _ => new V1.SuppressibleValue { NotReported = new V1.NotReported { Reason = V1.NotReportedReason.NotApplicable, Explanation = value.Explanation } },
    };

    public static V1.DisaggregatedRate ToProto(CellView cell) => new()
    {
        Group = new V1.Group { Gender = GenderToProto(cell.Gender), Population = PopulationToProto(cell.Population) },
        Rate = ToProto(cell.Rate),
    };

    public static V1.Trend ToProto(TrendView trend) => new()
    {
        Direction = EnumMap.ToProto(trend.Direction),
        BaselineYear = trend.BaselineYear,
        LatestYear = trend.LatestYear,
        Difference = ToProto(trend.Difference),
        Method = EnumMap.ToProto(trend.Method),
        ZScore = ToProto(trend.ZScore),
        PValue = ToProto(trend.PValue),
        Explanation = trend.Explanation,
    };

    public static V1.GapDefinition ToProto(GapSpec gap) => new()
    {
        GapId = gap.GapId,
        Focal = new V1.Group { Gender = GenderToProto(gap.FocalGender), Population = PopulationToProto(gap.FocalPopulation) },
        ReferenceRule = EnumMap.ToProto(gap.ReferenceRule),
        ReferencePopulation = PopulationToProto(gap.ReferencePopulation),
    };

    public static V1.GapResult ToProto(GapView gap)
    {
        var result = new V1.GapResult
        {
            Definition = ToProto(gap.Definition),
            BaselineYear = gap.BaselineYear,
            LatestYear = gap.LatestYear,
            BaselineGap = ToProto(gap.BaselineGap),
            LatestGap = ToProto(gap.LatestGap),
            Change = EnumMap.ToProto(gap.Change),
            Explanation = gap.Explanation,
            ReferenceIsComplement = gap.ReferenceIsComplement,
        };
        if (gap.ReferenceGender is not null || gap.ReferencePopulation is not null)
        {
            result.ReferenceUsed = new V1.Group { Gender = GenderToProto(gap.ReferenceGender), Population = PopulationToProto(gap.ReferencePopulation) };
        }

        return result;
    }

    // ---- report cards and indicators ----

    public static V1.GetReportCardResponse ToProto(ReportCardView card)
    {
        var result = new V1.GetReportCardResponse
        {
            PartnershipId = card.PartnershipId,
            DisplayName = card.DisplayName,
            Year = card.Year,
            MinimumN = card.MinimumN,
            GenerateTime = ToTimestamp(card.GenerateTime),
        };
        foreach (var outcome in card.Outcomes)
        {
            var o = new V1.ReportCardOutcome { Outcome = EnumMap.ToProto(outcome.Outcome) };
            o.Indicators.AddRange(outcome.Indicators.Select(ToProto));
            result.Outcomes.Add(o);
        }

        return result;
    }

    public static V1.ReportCardIndicator ToProto(ReportCardIndicatorView view)
    {
        var result = new V1.ReportCardIndicator
        {
            IndicatorId = view.IndicatorId,
            DisplayName = view.DisplayName,
            Kind = EnumMap.ToProto(view.Kind),
            Polarity = EnumMap.ToProto(view.Polarity),
            Unit = V1.Unit.Percent,
            DefinitionVersion = view.DefinitionVersion,
            BaselineYear = view.BaselineYear,
            Baseline = ToProto(view.Baseline),
            LatestYear = view.LatestYear,
            Latest = ToProto(view.Latest),
            ProgressToTargetPercent = ToProto(view.ProgressToTargetPercent),
            Trend = ToProto(view.Trend),
        };
        if (view.Target is { } target)
        {
            result.Target = new V1.Target { Year = target.Year, Value = target.Value };
        }

        result.Disaggregated.AddRange(view.Disaggregated.Select(ToProto));
        result.Gaps.AddRange(view.Gaps.Select(ToProto));
        return result;
    }

    public static V1.IndicatorDefinition ToProto(IndicatorSpec spec)
    {
        var result = new V1.IndicatorDefinition
        {
            DisplayName = spec.DisplayName,
            Description = spec.Description,
            Outcome = EnumMap.ToProto(spec.Outcome),
            AdjacentSectorDescription = spec.AdjacentSectorDescription,
            Kind = EnumMap.ToProto(spec.Kind),
            Polarity = EnumMap.ToProto(spec.Polarity),
            Unit = V1.Unit.Percent,
            BaselineYear = spec.BaselineYear,
            DefinitionVersion = spec.DefinitionVersion,
            TaxonomyVersion = spec.TaxonomyVersion,
            Source = spec.Source,
        };
        result.Targets.AddRange(spec.Targets.Select(t => new V1.Target { Year = t.Year, Value = t.Value }));
        result.Gaps.AddRange(spec.Gaps.Select(ToProto));
        return result;
    }

    public static V1.Indicator ToProto(IndicatorInfo info)
    {
        var result = new V1.Indicator
        {
            PartnershipId = info.PartnershipId,
            IndicatorId = info.IndicatorId,
            Definition = ToProto(info.Definition),
            UpdateTime = ToTimestamp(info.UpdateTime),
        };
        result.DefinitionVersions.AddRange(info.DefinitionVersions);
        result.Years.AddRange(info.Years);
        return result;
    }

    public static V1.GetIndicatorResponse ToProto(IndicatorView view)
    {
        var result = new V1.GetIndicatorResponse { Indicator = ToProto(view.Indicator), Trend = ToProto(view.Trend), MinimumN = view.MinimumN };
        foreach (var year in view.Series)
        {
            var y = new V1.IndicatorYear { Year = year.Year };
            y.Cells.AddRange(year.Cells.Select(ToProto));
            result.Series.Add(y);
        }

        result.Gaps.AddRange(view.Gaps.Select(ToProto));
        return result;
    }

    public static V1.ObservationError ToProto(RowError error) => new()
    {
        RowIndex = error.RowIndex,
        IndicatorId = error.IndicatorId,
        ClientRef = error.ClientRef,
        Code = EnumMap.ToProto(error.Code),
        Field = error.Field,
        Message = error.Message,
    };

    // ---- rollups ----

    public static V1.GatewayCount ToProto(StageCount count) => new() { Gateway = EnumMap.ToProto(count.Gateway), PartnershipCount = count.Count };

    public static V1.DesignationCount ToProto(DesignationCount count) => new() { Designation = EnumMap.ToProto(count.Designation), PartnershipCount = count.Count };

    public static V1.OutcomeTrendCounts ToProto(OutcomeTrendCount count) => new()
    {
        Outcome = EnumMap.ToProto(count.Outcome),
        Improved = count.Improved,
        Maintained = count.Maintained,
        Worsened = count.Worsened,
        InsufficientData = count.InsufficientData,
        NotTracked = count.NotTracked,
    };

    public static V1.GapChangeCounts ToProto(GapChangeCounts counts) => new()
    {
        Reduced = counts.Reduced,
        Eliminated = counts.Eliminated,
        Unchanged = counts.Unchanged,
        Widened = counts.Widened,
        InsufficientData = counts.InsufficientData,
    };

    public static V1.NetworkRollup ToProto(NetworkRollup rollup)
    {
        var result = new V1.NetworkRollup
        {
            Version = rollup.Version,
            UpdateTime = ToTimestamp(rollup.UpdateTime),
            PartnershipCount = rollup.PartnershipCount,
            Gaps = ToProto(rollup.Gaps),
        };
        result.Gateways.AddRange(rollup.Gateways.Select(ToProto));
        foreach (var framework in rollup.Frameworks)
        {
            var f = new V1.FrameworkGatewayCounts { FrameworkId = framework.FrameworkId, PartnershipCount = framework.PartnershipCount };
            f.Gateways.AddRange(framework.Gateways.Select(ToProto));
            result.Frameworks.Add(f);
        }

        result.Designations.AddRange(rollup.Designations.Select(ToProto));
        result.OutcomeTrends.AddRange(rollup.OutcomeTrends.Select(ToProto));
        result.GapsByOutcome.AddRange(rollup.GapsByOutcome.Select(g => new V1.OutcomeGapCounts { Outcome = EnumMap.ToProto(g.Outcome), Counts = ToProto(g.Counts) }));
        foreach (var year in rollup.History)
        {
            var y = new V1.NetworkYear { Year = year.Year, PartnershipCount = year.PartnershipCount, Gaps = ToProto(year.Gaps) };
            y.Gateways.AddRange(year.Gateways.Select(ToProto));
            y.Designations.AddRange(year.Designations.Select(ToProto));
            y.OutcomeTrends.AddRange(year.OutcomeTrends.Select(ToProto));
            result.History.Add(y);
        }

        return result;
    }

    public static V1.PartnershipSummary ToProto(PartnershipListItem item)
    {
        var result = new V1.PartnershipSummary
        {
            PartnershipId = item.PartnershipId,
            DisplayName = item.DisplayName,
            UsState = item.UsState,
            FrameworkId = item.FrameworkId,
            Gateway = EnumMap.ToProto(item.Gateway),
        };
        result.Designations.AddRange(item.Designations.Select(EnumMap.ToProto));
        return result;
    }

    // ---- cohorts ----

    public static V1.Cohort ToProto(CohortInfo cohort)
    {
        var result = new V1.Cohort
        {
            CohortId = cohort.CohortId,
            DisplayName = cohort.DisplayName,
            Description = cohort.Description,
            CreateTime = ToTimestamp(cohort.CreateTime),
            UpdateTime = ToTimestamp(cohort.UpdateTime),
        };
        result.MemberIds.AddRange(cohort.MemberIds);
        return result;
    }

    public static V1.BenchmarkMatrix ToProto(BenchmarkMatrixView matrix)
    {
        var result = new V1.BenchmarkMatrix { FrameworkId = matrix.FrameworkId };
        result.Columns.AddRange(matrix.Columns.Select(c => new V1.BenchmarkColumn
        {
            BenchmarkId = c.BenchmarkId,
            Gateway = EnumMap.ToProto(c.Gateway),
            Pillar = PillarToProto(c.PillarId),
            Text = c.Text,
        }));
        foreach (var row in matrix.Rows)
        {
            var r = new V1.MemberBenchmarkRow { PartnershipId = row.PartnershipId, DisplayName = row.DisplayName, Gateway = EnumMap.ToProto(row.Gateway) };
            r.Statuses.AddRange(row.Statuses.Select(EnumMap.ToProto));
            result.Rows.Add(r);
        }

        result.MetCounts.AddRange(matrix.MetCounts);
        return result;
    }

    public static V1.GetCohortRollupResponse ToProto(CohortRollup rollup)
    {
        var result = new V1.GetCohortRollupResponse
        {
            CohortId = rollup.CohortId,
            MemberCount = rollup.MemberCount,
            UpdateTime = ToTimestamp(rollup.UpdateTime),
        };
        result.Gateways.AddRange(rollup.Gateways.Select(ToProto));
        result.Designations.AddRange(rollup.Designations.Select(ToProto));
        result.OutcomeTrends.AddRange(rollup.OutcomeTrends.Select(ToProto));
        foreach (var member in rollup.Members)
        {
            var m = new V1.CohortMemberSummary
            {
                PartnershipId = member.PartnershipId,
                DisplayName = member.DisplayName,
                FrameworkId = member.FrameworkId,
                Gateway = EnumMap.ToProto(member.Gateway),
            };
            m.Designations.AddRange(member.Designations.Select(EnumMap.ToProto));
            m.OutcomeTrends.AddRange(member.OutcomeTrends.Select(t => new V1.MemberOutcomeTrend { Outcome = EnumMap.ToProto(t.Outcome), Direction = EnumMap.ToProto(t.Direction) }));
            result.Members.Add(m);
        }

        return result;
    }

    // ---- tokens ----

    public static V1.TokenInfo ToProto(TokenRecord token)
    {
        var result = new V1.TokenInfo
        {
            TokenId = token.TokenId,
            Role = EnumMap.ToProto(token.Role),
            PartnershipId = token.PartnershipId ?? string.Empty,
            Description = token.Description,
            IssueTime = ToTimestamp(token.IssueTime),
            IssuedBy = token.IssuedBy,
            RevokeReason = token.RevokeReason,
        };
        if (token.ExpireTime is { } expire)
        {
            result.ExpireTime = ToTimestamp(expire);
        }

        if (token.RevokeTime is { } revoke)
        {
            result.RevokeTime = ToTimestamp(revoke);
        }

        return result;
    }

    // ---- frameworks ----

    public static V1.FrameworkSummary ToSummary(TheoryOfActionFramework framework) => new()
    {
        FrameworkId = framework.Id,
        DisplayName = framework.Name,
        Version = framework.Version,
        GatewayCount = framework.Gateways.Length,
        BenchmarkCount = framework.Benchmarks.Length,
    };

    public static V1.Framework ToProto(TheoryOfActionFramework framework)
    {
        var result = new V1.Framework { FrameworkId = framework.Id, DisplayName = framework.Name, Version = framework.Version, Source = framework.Source };
        result.Gateways.AddRange(framework.Gateways.Select(g => new V1.FrameworkGateway
        {
            GatewayId = g.Id,
            Stage = EnumMap.ToProto(g.Stage),
            DisplayName = g.Name,
            Order = g.Order,
            Entry = g.Entry == GatewayEntry.Designation ? V1.GatewayEntry.Designation : V1.GatewayEntry.Benchmarks,
        }));
        result.Pillars.AddRange(framework.Pillars.Select(p => new V1.FrameworkPillar { PillarId = p.Id, Pillar = PillarToProto(p.Id), DisplayName = p.Name }));
        result.Principles.AddRange(framework.Principles.Select(p => new V1.Principle { PrincipleId = p.Id, DisplayName = p.Name, Text = p.Text }));
        result.Benchmarks.AddRange(framework.Benchmarks.Select(b => new V1.Benchmark
        {
            BenchmarkId = b.Id,
            Gateway = framework.FindGateway(b.GatewayId) is { } g ? EnumMap.ToProto(g.Stage) : V1.GatewayStage.Unspecified,
            Pillar = PillarToProto(b.PillarId),
            Text = b.Text,
            Provenance = new V1.Provenance
            {
                Seed = b.Provenance.Seed,
                Confidence = b.Provenance.Confidence,
                CarriedOver = b.Provenance.CarriedOver,
                CarriedOverFrom = b.Provenance.CarriedOverFrom ?? string.Empty,
                UncertainPlacement = b.Provenance.UncertainPlacement ?? string.Empty,
            },
        }));
        foreach (var definition in framework.Designations.Definitions)
        {
            result.DesignationRules.Add(ToProto(framework, definition));
        }

        return result;
    }

    private static V1.DesignationRule ToProto(TheoryOfActionFramework framework, DesignationDefinition definition)
    {
        var rule = new V1.DesignationRule
        {
            Designation = Designations.FromId(definition.Id) is { } d ? EnumMap.ToProto(d) : V1.Designation.Unspecified,
            DisplayName = definition.Name,
            Source = definition.Source ?? string.Empty,
        };
        if (definition.GrantsGatewayId is { } grants && framework.FindGateway(grants) is { } granted)
        {
            rule.GrantsGateway = EnumMap.ToProto(granted.Stage);
        }

        foreach (var criterion in definition.Criteria)
        {
            var kind = criterion.GetType().Name;
            rule.Criteria.Add(new V1.CriterionRule
            {
                Kind = kind.EndsWith("Criterion", StringComparison.Ordinal) ? kind[..^"Criterion".Length] : kind,
                Name = criterion.Name,
                Description = criterion.Description,
            });
        }

        return rule;
    }

    private static int Saturate(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);
}
