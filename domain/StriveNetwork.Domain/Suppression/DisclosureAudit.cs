using Google.OrTools.LinearSolver;
using Google.OrTools.Sat;
using SatLinearExpr = Google.OrTools.Sat.LinearExpr;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// One value of an audited table as the reader sees it. <see cref="ReaderNumerator"/> is set when the reader knows
/// the numerator exactly (a shown cell); <see cref="ReaderDenominator"/> when the reader is assumed to know the
/// denominator. The audit assumes the worst reader: one who knows the true denominator of every cell the data owner
/// has counts for, hidden or not. Members without counts (no observation, suppressed at source) have an unknown
/// denominator that may be zero.
/// </summary>
internal sealed record AuditMember(
    string Id,
    long? ReaderNumerator,
    long? ReaderDenominator,
    long NumeratorLower,
    long? NumeratorUpper,
    long? TrueNumerator,
    long? TrueDenominator,
    ProtectionRequirement Requirement);

/// <summary>A relation the reader knows: <see cref="Total"/> = sum of the other <see cref="Members"/>.</summary>
internal sealed record AuditRelation(string Total, IReadOnlyList<string> Members, string Description);

/// <summary>
/// The disclosure audit: for every protected member, the exact integer range of its numerator under every relation
/// the reader knows, every published value, and 0 ≤ numerator ≤ denominator. The bounds come from the GLOP linear
/// solver; a bound is exact when the optimal vertex GLOP returns is integral (it then is an integer solution that
/// attains the linear bound, which no integer solution can beat). Partition and marginal relations (the CIA
/// tables) have totally unimodular constraint matrices, so that is the normal case; otherwise the bound is
/// recomputed exactly with the CP-SAT integer solver.
/// </summary>
internal static class DisclosureAudit
{
    private const double IntegralityTolerance = 1e-6;

    public static DisclosureAuditResult Run(
        IReadOnlyList<AuditMember> members, IReadOnlyList<AuditRelation> relations, ProtectionInterval interval)
    {
        var targets = members.Where(m => m.Requirement != ProtectionRequirement.None && m.ReaderNumerator is null).ToList();
        if (targets.Count == 0)
        {
            return DisclosureAuditResult.Empty;
        }

        var byId = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var relaxed = new List<string>();
        var model = new Model(byId, relations, dropUncertain: false);
        if (!model.Feasible())
        {
            // Relations that meet a cell without counts assume the partition holds exactly. When the data do not
            // satisfy that (a subset larger than its total, say), those relations are left out rather than trusted.
            model.Dispose();
            model = new Model(byId, relations, dropUncertain: true);
            relaxed.AddRange(model.Dropped);
        }

        using (model)
        {
            // Every integral optimum GLOP returns is a table the reader cannot rule out, so it witnesses values each
            // member can take. A member whose witnessed values already span its requirement needs no bound of its
            // own; only the others are bounded exactly.
            var witnessed = targets.ToDictionary(t => t.Id, _ => (Low: long.MaxValue, High: long.MinValue), StringComparer.Ordinal);
            void Witness()
            {
                foreach (var t in targets)
                {
                    var v = model.Value(t.Id);
                    var (low, high) = witnessed[t.Id];
                    witnessed[t.Id] = (Math.Min(low, v), Math.Max(high, v));
                }
            }

            // Pushing all targets up together and then down together finds extreme tables for many of them at once.
            // (More rounds over the still-unproven members were tried: they cost more solves than they saved.)
            foreach (var maximize in new[] { true, false })
            {
                if (model.SolveSum(targets.Select(t => t.Id), maximize))
                {
                    Witness();
                }
            }

            var ranges = new List<FeasibleRange>(targets.Count);
            foreach (var member in targets)
            {
                var (low, high) = witnessed[member.Id];
                if (low <= high && Satisfied(member, low, high, interval, model))
                {
                    ranges.Add(new FeasibleRange(member.Id, low, high, member.TrueDenominator, member.Requirement, true, Exact: false));
                    continue;
                }

                var upper = model.Bound(member.Id, maximize: true, out var integral);
                if (integral)
                {
                    Witness();
                }

                var lower = model.Bound(member.Id, maximize: false, out integral);
                if (integral)
                {
                    Witness();
                }

                var satisfied = Satisfied(member, lower, upper, interval, model);
                ranges.Add(new FeasibleRange(member.Id, lower, upper, member.TrueDenominator, member.Requirement, satisfied, Exact: true));
            }

            return new DisclosureAuditResult(ranges.All(r => r.Satisfied), ranges, model.ExactSolves, relaxed);
        }
    }

    private static bool Satisfied(AuditMember member, long lower, long upper, ProtectionInterval interval, Model model)
    {
        if (member.ReaderDenominator is { } known)
        {
            if (known == 0)
            {
                return true; // an empty group: there is no student to protect
            }

            if (member.Requirement == ProtectionRequirement.Interval)
            {
                // Decimal keeps the boundary exact: 1 of 10 is exactly 10 percentage points.
                return upper > lower && lower < known && upper > 0
                    && 100m * (upper - lower) >= (decimal)interval.MinimumRangePercentagePoints * known;
            }

            return upper > lower;
        }

        // Without a known denominator a fixed numerator is harmless only when the group is provably empty.
        return upper > lower || (upper == 0 && model.DenominatorUpper(member.Id) == 0);
    }

    /// <summary>The linear program of one audit, built once and re-solved with a new objective per bound.</summary>
    internal sealed class Model : IDisposable
    {
        private readonly Solver _lp;
        private readonly Dictionary<string, Variable> _numerators = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Variable> _denominators = new(StringComparer.Ordinal);
        private readonly List<(Dictionary<string, long> N, long NRight, Dictionary<string, long> D, long DRight)> _rows = [];
        private readonly Dictionary<string, AuditMember> _members;
        private readonly long _denominatorCap;

        public Model(Dictionary<string, AuditMember> members, IReadOnlyList<AuditRelation> relations, bool dropUncertain)
        {
            _members = members;
            _lp = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("The GLOP linear solver is not available.");
            var infinity = double.PositiveInfinity;

            // A finite cap for unknown denominators, needed only by CP-SAT: no group exceeds every student counted.
            _denominatorCap = Math.Max(1, members.Values.Sum(m => m.TrueDenominator ?? m.ReaderDenominator ?? 0)) * 4;

            foreach (var m in members.Values)
            {
                if (m.ReaderDenominator is null)
                {
                    _denominators[m.Id] = _lp.MakeNumVar(0, infinity, "D:" + m.Id);
                }

                if (m.ReaderNumerator is null)
                {
                    var upper = Math.Min(m.NumeratorUpper ?? long.MaxValue, m.ReaderDenominator ?? long.MaxValue);
                    var n = _lp.MakeNumVar(m.NumeratorLower, upper == long.MaxValue ? infinity : upper, "N:" + m.Id);
                    _numerators[m.Id] = n;
                    if (_denominators.TryGetValue(m.Id, out var d))
                    {
                        var coupling = _lp.MakeConstraint(double.NegativeInfinity, 0, "N<=D:" + m.Id);
                        coupling.SetCoefficient(n, 1);
                        coupling.SetCoefficient(d, -1);
                    }
                }
            }

            foreach (var relation in relations)
            {
                var uncertain = relation.Members.Any(id => members[id].TrueNumerator is null || members[id].TrueDenominator is null);
                if (dropUncertain && uncertain)
                {
                    Dropped.Add(relation.Description);
                    continue;
                }

                AddRelation(relation, uncertain);
            }
        }

        public List<string> Dropped { get; } = [];

        public int ExactSolves { get; private set; }

        public bool Feasible()
        {
            _lp.Objective().Clear();
            var status = _lp.Solve();
            return status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
        }

        /// <summary>The numerator of a member in the last integral solution.</summary>
        public long Value(string memberId) => (long)Math.Round(_numerators[memberId].SolutionValue());

        /// <summary>Optimises the sum of some numerators; true when the optimum is integral (a usable witness).</summary>
        public bool SolveSum(IEnumerable<string> memberIds, bool maximize)
        {
            var objective = _lp.Objective();
            objective.Clear();
            foreach (var id in memberIds)
            {
                objective.SetCoefficient(_numerators[id], 1);
            }

            if (maximize)
            {
                objective.SetMaximization();
            }
            else
            {
                objective.SetMinimization();
            }

            return _lp.Solve() == Solver.ResultStatus.OPTIMAL && AllIntegral();
        }

        /// <summary>
        /// The exact integer minimum or maximum of a member's numerator; <paramref name="integral"/> tells whether the
        /// LP solution is integral (and so a witness).
        /// </summary>
        public long Bound(string memberId, bool maximize, out bool integral)
        {
            var objective = _lp.Objective();
            objective.Clear();
            objective.SetCoefficient(_numerators[memberId], 1);
            if (maximize)
            {
                objective.SetMaximization();
            }
            else
            {
                objective.SetMinimization();
            }

            var status = _lp.Solve();
            integral = status == Solver.ResultStatus.OPTIMAL && AllIntegral();
            if (integral)
            {
                return (long)Math.Round(objective.Value());
            }

            ExactSolves++;
            return ExactBound(memberId, maximize, isDenominator: false);
        }

        /// <summary>
        /// The exact integer maximum of an unknown denominator. The LP relaxation answers first: when its optimum is an
        /// integral point within CP-SAT's cap, that point is feasible for the integer program, whose maximum cannot
        /// exceed the relaxation's, so the two are equal; otherwise CP-SAT solves it (the costly path: the profile of an
        /// upload showed most of the silo's CPU there).
        /// </summary>
        public long DenominatorUpper(string memberId)
        {
            var objective = _lp.Objective();
            objective.Clear();
            objective.SetCoefficient(_denominators[memberId], 1);
            objective.SetMaximization();
            if (_lp.Solve() == Solver.ResultStatus.OPTIMAL && AllIntegral() && WithinCap())
            {
                return (long)Math.Round(objective.Value());
            }

            ExactSolves++;
            return ExactBound(memberId, maximize: true, isDenominator: true);
        }

        public void Dispose() => _lp.Dispose();

        private void AddRelation(AuditRelation relation, bool uncertain)
        {
            var n = new Dictionary<string, long>(StringComparer.Ordinal);
            var d = new Dictionary<string, long>(StringComparer.Ordinal);
            long nRight = 0, dRight = 0;
            foreach (var id in relation.Members)
            {
                var m = _members[id];
                var coefficient = string.Equals(id, relation.Total, StringComparison.Ordinal) ? 1L : -1L;

                // The right-hand side is the true residual (0 for a table that adds up): the reader is assumed to
                // know it. Around cells without counts the partition is assumed to hold exactly.
                if (!uncertain)
                {
                    nRight += coefficient * m.TrueNumerator!.Value;
                    dRight += coefficient * m.TrueDenominator!.Value;
                }

                if (m.ReaderNumerator is { } shownN)
                {
                    nRight -= coefficient * shownN;
                }
                else
                {
                    n[id] = n.GetValueOrDefault(id) + coefficient;
                }

                if (m.ReaderDenominator is { } shownD)
                {
                    dRight -= coefficient * shownD;
                }
                else
                {
                    d[id] = d.GetValueOrDefault(id) + coefficient;
                }
            }

            if (n.Count > 0)
            {
                var row = _lp.MakeConstraint(nRight, nRight, "N:" + relation.Description);
                foreach (var (id, c) in n)
                {
                    row.SetCoefficient(_numerators[id], c);
                }
            }

            if (d.Count > 0)
            {
                var row = _lp.MakeConstraint(dRight, dRight, "D:" + relation.Description);
                foreach (var (id, c) in d)
                {
                    row.SetCoefficient(_denominators[id], c);
                }
            }

            _rows.Add((n, nRight, d, dRight));
        }

        /// <summary>The same bound by CP-SAT alone (tests: the oracle <see cref="DenominatorUpper"/> must equal).</summary>
        internal long ExactDenominatorUpper(string memberId) => ExactBound(memberId, maximize: true, isDenominator: true);

        /// <summary>Whether every variable of the last LP solution lies within the bounds CP-SAT gives it (the cap).</summary>
        private bool WithinCap()
        {
            foreach (var v in _numerators.Values)
            {
                if (v.SolutionValue() > _denominatorCap + IntegralityTolerance)
                {
                    return false;
                }
            }

            foreach (var v in _denominators.Values)
            {
                if (v.SolutionValue() > _denominatorCap + IntegralityTolerance)
                {
                    return false;
                }
            }

            return true;
        }

        private bool AllIntegral()
        {
            foreach (var v in _numerators.Values)
            {
                var x = v.SolutionValue();
                if (Math.Abs(x - Math.Round(x)) > IntegralityTolerance)
                {
                    return false;
                }
            }

            foreach (var v in _denominators.Values)
            {
                var x = v.SolutionValue();
                if (Math.Abs(x - Math.Round(x)) > IntegralityTolerance)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Solves the integer program with CP-SAT (single worker, so the answer is deterministic).</summary>
        private long ExactBound(string memberId, bool maximize, bool isDenominator)
        {
            var model = new CpModel();
            var numerators = new Dictionary<string, IntVar>(StringComparer.Ordinal);
            var denominators = new Dictionary<string, IntVar>(StringComparer.Ordinal);
            foreach (var id in _denominators.Keys)
            {
                denominators[id] = model.NewIntVar(0, _denominatorCap, "D:" + id);
            }

            foreach (var id in _numerators.Keys)
            {
                var m = _members[id];
                var upper = Math.Min(m.NumeratorUpper ?? _denominatorCap, m.ReaderDenominator ?? _denominatorCap);
                numerators[id] = model.NewIntVar(m.NumeratorLower, upper, "N:" + id);
                if (denominators.TryGetValue(id, out var d))
                {
                    model.Add(numerators[id] <= d);
                }
            }

            foreach (var (n, nRight, d, dRight) in _rows)
            {
                if (n.Count > 0)
                {
                    model.Add(SatLinearExpr.WeightedSum(n.Keys.Select(k => (SatLinearExpr)numerators[k]), n.Values) == nRight);
                }

                if (d.Count > 0)
                {
                    model.Add(SatLinearExpr.WeightedSum(d.Keys.Select(k => (SatLinearExpr)denominators[k]), d.Values) == dRight);
                }
            }

            var target = isDenominator ? denominators[memberId] : numerators[memberId];
            if (maximize)
            {
                model.Maximize(target);
            }
            else
            {
                model.Minimize(target);
            }

            var solver = new CpSolver { StringParameters = "num_workers:1" };
            var status = solver.Solve(model);
            if (status != CpSolverStatus.Optimal)
            {
                throw new InvalidOperationException($"The disclosure audit could not bound {memberId} exactly (CP-SAT status {status}).");
            }

            return (long)Math.Round(solver.ObjectiveValue);
        }
    }
}
