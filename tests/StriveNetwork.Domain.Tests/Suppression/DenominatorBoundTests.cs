using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Suppression;

/// <summary>
/// The disclosure audit's bound on an unknown denominator answers from the LP relaxation when its optimum is integral
/// and within CP-SAT's cap; on random tables (a total and its parts, some parts without counts) it must equal CP-SAT's
/// exact integer maximum.
/// </summary>
public sealed class DenominatorBoundTests
{
    private static readonly Gen<(long N, long D, bool Known, bool Shown)[]> Parts =
        from count in Gen.Choose(2, 6)
        from parts in Gen.ArrayOf(
            from d in Gen.Choose(0, 400)
            from share in Gen.Choose(0, 100)
            from known in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
            from shown in Gen.Elements(true, false)
            select ((long)(d * share / 100), (long)d, known, shown), count)
        select parts;

    [Fact]
    public void DenominatorUpper_EqualsCpSatsExactMaximum()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Arb.From(Parts), parts =>
        {
            var members = new Dictionary<string, AuditMember>(StringComparer.Ordinal);
            var ids = new List<string>();
            for (var i = 0; i < parts.Length; i++)
            {
                var (n, d, known, shown) = parts[i];
                var id = "p" + i;
                ids.Add(id);

                // A part without counts has an unknown denominator (and numerator); a part with counts is either shown
                // or hidden with its denominator known to the reader.
                members[id] = known
                    ? new AuditMember(id, shown ? n : null, d, 0, null, n, d, shown ? ProtectionRequirement.None : ProtectionRequirement.NotDetermined)
                    : new AuditMember(id, null, null, 0, null, null, null, ProtectionRequirement.NotDetermined);
            }

            var totalN = parts.Where(p => p.Known).Sum(p => p.N);
            var totalD = parts.Where(p => p.Known).Sum(p => p.D) + 50;
            members["total"] = new AuditMember("total", totalN + 10, totalD, 0, null, totalN + 10, totalD, ProtectionRequirement.None);
            var relations = new[] { new AuditRelation("total", [.. ids.Prepend("total")], "total = parts") };
            using var model = new DisclosureAudit.Model(members, relations, dropUncertain: false);
            foreach (var id in ids.Where(id => members[id].ReaderDenominator is null))
            {
                if (model.DenominatorUpper(id) != model.ExactDenominatorUpper(id))
                {
                    return false;
                }
            }

            return true;
        }));
    }
}
