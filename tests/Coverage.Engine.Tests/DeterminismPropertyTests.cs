using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using FsCheck.Xunit;

namespace Coverage.Engine.Tests;

/// <summary>
/// Properties every determination must have, whatever the request (spec sections 2, 3, 7, 8 and the
/// determinism clause of request-and-determination.md), checked on random valid requests.
/// </summary>
public class DeterminismPropertyTests
{
    private const int Cases = 500;

    private static readonly DateOnly FirstVersion = new(2024, 3, 15);
    private static readonly DateOnly DeviceDecision = new(2025, 10, 3);

    /// <summary>The versions of spec section 2, by effective date.</summary>
    private static readonly DateOnly[] VersionDates = [new(2024, 3, 15), new(2025, 4, 15), new(2025, 10, 15), new(2026, 3, 15)];

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_SameRequestTwice_GivesIdenticalJson(GeneratedRequest generated)
    {
        var first = DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(Read(generated)));
        var second = DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(Read(generated)));

        Assert.Equal(first, second);
    }

    /// <summary>
    /// Issue 18: a member's social risk factors are carried for the health-equity report, never read by a decision.
    /// The same request with every factor and with none gives the same determination, byte for byte.
    /// </summary>
    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_WithOrWithoutSocialRiskFactors_GivesIdenticalJson(GeneratedRequest generated)
    {
        var request = Read(generated);
        var withFactors = request with { Member = request.Member with { SocialRiskFactors = SocialRiskFactors.All } };

        Assert.Equal(
            DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(request with { Member = request.Member with { SocialRiskFactors = [] } })),
            DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(withFactors)));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_ReasonCodesAreThoseOfTheOutcome(GeneratedRequest generated)
    {
        foreach (var line in Evaluate(generated).Lines)
        {
            if (line.Outcome == LineOutcome.InformationRequired)
            {
                Assert.Equal(2, line.ReasonCodes.Count);
                Assert.Equal(ReasonCode.Carc("16", "CO"), line.ReasonCodes[0]);
                Assert.Equal("RARC", line.ReasonCodes[1].System);
                Assert.Null(line.ReasonCodes[1].Group);
                Assert.Contains(line.ReasonCodes[1].Code, (string[])["N350", "M76", "M127"]);
            }
            else
            {
                Assert.Equal(Expect.ReasonCodesOf(line.Outcome), line.ReasonCodes);
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_PhysicianReviewExactlyForMedicalNecessityDenials(GeneratedRequest generated)
    {
        var determination = Evaluate(generated);

        foreach (var line in determination.Lines)
            Assert.Equal(line.Outcome == LineOutcome.NotMedicallyNecessary, line.RequiresPhysicianReview);
        Assert.Equal(determination.Lines.Any(l => l.RequiresPhysicianReview), determination.RequiresPhysicianReview);
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_FdaLabelStatusFollowsCriteria(GeneratedRequest generated)
    {
        foreach (var line in Evaluate(generated).Lines)
        {
            if (line.FdaLabel is not { } label) continue;
            Assert.NotNull(line.Modality);
            Assert.Equal(label.Unmet.Count > 0, label.Status == FdaLabelStatus.OffLabel);
            if (label.Status == FdaLabelStatus.OnLabel) Assert.True(label.Unmet.Count == 0 && label.Unknown.Count == 0);
            if (label.Status == FdaLabelStatus.Indeterminate) Assert.True(label.Unmet.Count == 0 && label.Unknown.Count > 0);
            if (label.Status == FdaLabelStatus.NoAuthorizedDevice)
            {
                Assert.Empty(label.Unmet);
                Assert.Empty(label.Unknown);
                Assert.Empty(label.Criteria);
                Assert.True(line.Modality != "cryoablation" || line.DateOfService < DeviceDecision,
                    "cryoablation on or after the device's decision date is assessed");
            }
            else
            {
                Assert.Equal("cryoablation", line.Modality);
                Assert.True(line.DateOfService >= DeviceDecision);
                Assert.Equal(17, label.Criteria.Count);
                Assert.Equal(label.Criteria.Where(c => c.Result == CriterionResult.Unmet).Select(c => c.Id), label.Unmet);
                Assert.Equal(label.Criteria.Where(c => c.Result == CriterionResult.Unknown).Select(c => c.Id), label.Unknown);
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_GoverningSourceFollowsOutcome(GeneratedRequest generated)
    {
        foreach (var line in Evaluate(generated).Lines)
        {
            switch (line.Outcome)
            {
                case LineOutcome.NotAddressed:
                    Assert.Null(line.GovernedBy);
                    Assert.Null(line.FdaLabel);
                    break;
                case LineOutcome.InvalidCode:
                    // Before the first version no source governs; the code check comes first all the same.
                    Assert.Equal(line.Policy is null, line.GovernedBy is null);
                    break;
                case LineOutcome.NotMedicallyNecessary:
                    Assert.Equal(GoverningSource.Policy, line.GovernedBy);
                    break;
                case LineOutcome.Covered:
                case LineOutcome.ExcludedByPlan:
                    Assert.True(line.GovernedBy is GoverningSource.Plan or GoverningSource.Mandate, $"governedBy {line.GovernedBy}");
                    break;
                default:
                    Assert.NotNull(line.GovernedBy);
                    break;
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_RequestOutcomeIsSection8Aggregation(GeneratedRequest generated)
    {
        var determination = Evaluate(generated);
        var outcomes = determination.Lines.Select(l => l.Outcome).ToList();
        var addressed = outcomes.Where(o => o != LineOutcome.NotAddressed).ToList();

        var expected =
            addressed.Count == 0 ? RequestOutcome.NotAddressed
            : addressed.Contains(LineOutcome.InformationRequired) ? RequestOutcome.Pended
            : addressed.All(o => o == LineOutcome.Covered) ? RequestOutcome.Covered
            : !addressed.Contains(LineOutcome.Covered) ? RequestOutcome.NotCovered
            : RequestOutcome.PartiallyCovered;

        Assert.Equal(expected, determination.Outcome);
        Assert.Equal(expected, Evaluator.Aggregate(determination.Lines.ToList()));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_EveryLineExplainsItself(GeneratedRequest generated)
    {
        var request = Read(generated);
        var determination = TestCatalogue.Evaluator.Evaluate(request);

        Assert.Equal(request.ServiceLines.Select(l => (l.Sequence, l.Code)), determination.Lines.Select(l => (l.Sequence, l.Code)));
        Assert.Equal(TestCatalogue.FixedNow, determination.EvaluatedAt);
        foreach (var line in determination.Lines)
        {
            Assert.False(string.IsNullOrWhiteSpace(line.Rationale));
            Assert.NotEmpty(line.Trace);
            Assert.All(line.Trace, step => Assert.False(string.IsNullOrWhiteSpace(step)));
            if (line.Outcome == LineOutcome.InformationRequired) Assert.NotEmpty(line.InformationNeeded);
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyRequest_CodeValidityAndVersionFollowTheSpecTables(GeneratedRequest generated)
    {
        foreach (var line in Evaluate(generated).Lines)
        {
            var invalid = line.Code == "0971T" && line.DateOfService < new DateOnly(2026, 1, 1)
                || line.Code == "0581T" && line.DateOfService < new DateOnly(2020, 1, 1);
            Assert.Equal(invalid, line.Outcome == LineOutcome.InvalidCode);

            var listed = line.Code is "19499" or "0581T" or "0971T";
            var version = VersionDates.LastOrDefault(d => d <= line.DateOfService);
            if (listed && version != default)
                Assert.Equal(version.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), line.Policy?.Version);
            else
                Assert.Null(line.Policy);
            if (!listed || line.DateOfService < FirstVersion)
                Assert.True(line.Outcome is LineOutcome.NotAddressed or LineOutcome.InvalidCode, $"outcome {line.Outcome}");
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(CoverageArbitraries)])]
    public void Evaluate_AnyPlan_ChangesOnlyLinesThePolicyWouldDenyAsNotMedicallyNecessary(GeneratedRequest generated)
    {
        var request = Read(generated);
        var underPlan = TestCatalogue.Evaluator.Evaluate(request).Lines;
        var underStandard = TestCatalogue.Evaluator.Evaluate(request with { Member = request.Member with { PlanId = "standard" } }).Lines;

        foreach (var (plan, standard) in underPlan.Zip(underStandard))
        {
            if (standard.Outcome == LineOutcome.NotMedicallyNecessary)
            {
                Assert.True(plan.Outcome is LineOutcome.NotMedicallyNecessary or LineOutcome.Covered
                    or LineOutcome.ExcludedByPlan or LineOutcome.InformationRequired, $"outcome {plan.Outcome}");
                Assert.Equal(standard.FdaLabel, plan.FdaLabel, FdaLabelComparer.Instance);
            }
            else
            {
                Assert.Equal(standard.Outcome, plan.Outcome);
                Assert.Equal(standard.ReasonCodes, plan.ReasonCodes);
                Assert.Equal(standard.GovernedBy, plan.GovernedBy);
            }
        }
    }

    private static CoverageRequest Read(GeneratedRequest generated)
    {
        var read = RequestReader.Read(generated.Json, TestCatalogue.Catalogue);
        Assert.True(read.IsValid, "generated request should be valid: " + string.Join("; ", read.Errors));
        return read.Request!;
    }

    private static Determination Evaluate(GeneratedRequest generated) => TestCatalogue.Evaluator.Evaluate(Read(generated));

    private sealed class FdaLabelComparer : IEqualityComparer<FdaLabelAssessment?>
    {
        public static readonly FdaLabelComparer Instance = new();

        public bool Equals(FdaLabelAssessment? x, FdaLabelAssessment? y) =>
            x is null || y is null ? x is null && y is null
            : x.Status == y.Status && x.Unmet.SequenceEqual(y.Unmet) && x.Unknown.SequenceEqual(y.Unknown);

        public int GetHashCode(FdaLabelAssessment? obj) => obj?.Status.GetHashCode() ?? 0;
    }
}
