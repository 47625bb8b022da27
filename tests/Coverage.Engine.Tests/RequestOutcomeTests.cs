using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 8: the request outcome from the line outcomes.</summary>
public class RequestOutcomeTests
{
    private const LineOutcome Nmn = LineOutcome.NotMedicallyNecessary;
    private const LineOutcome Covered = LineOutcome.Covered;
    private const LineOutcome Excluded = LineOutcome.ExcludedByPlan;
    private const LineOutcome InvalidCode = LineOutcome.InvalidCode;
    private const LineOutcome InvalidCoding = LineOutcome.InvalidCoding;
    private const LineOutcome Info = LineOutcome.InformationRequired;
    private const LineOutcome NotAddressed = LineOutcome.NotAddressed;

    [Theory]
    [InlineData(RequestOutcome.NotAddressed, NotAddressed)]
    [InlineData(RequestOutcome.NotAddressed, NotAddressed, NotAddressed, NotAddressed)]
    [InlineData(RequestOutcome.Pended, Info)]
    [InlineData(RequestOutcome.Pended, Info, Covered)]
    [InlineData(RequestOutcome.Pended, Covered, Covered, Info)]
    [InlineData(RequestOutcome.Pended, NotAddressed, Info)]
    [InlineData(RequestOutcome.Pended, Nmn, Info, Excluded)]
    [InlineData(RequestOutcome.Covered, Covered)]
    [InlineData(RequestOutcome.Covered, Covered, Covered)]
    [InlineData(RequestOutcome.Covered, Covered, NotAddressed)]
    [InlineData(RequestOutcome.Covered, NotAddressed, Covered, NotAddressed)]
    [InlineData(RequestOutcome.NotCovered, Nmn)]
    [InlineData(RequestOutcome.NotCovered, Excluded)]
    [InlineData(RequestOutcome.NotCovered, InvalidCode)]
    [InlineData(RequestOutcome.NotCovered, InvalidCoding)]
    [InlineData(RequestOutcome.NotCovered, Nmn, Excluded, InvalidCode, InvalidCoding)]
    [InlineData(RequestOutcome.NotCovered, Nmn, NotAddressed)]
    [InlineData(RequestOutcome.PartiallyCovered, Covered, Nmn)]
    [InlineData(RequestOutcome.PartiallyCovered, Excluded, Covered)]
    [InlineData(RequestOutcome.PartiallyCovered, Covered, InvalidCode, NotAddressed)]
    [InlineData(RequestOutcome.PartiallyCovered, NotAddressed, Covered, Covered, InvalidCoding)]
    public void Aggregate_LineOutcomes_GivesSection8RequestOutcome(RequestOutcome expected, params LineOutcome[] outcomes)
    {
        var lines = outcomes.Select((o, i) => Line(i + 1, o)).ToList();

        Assert.Equal(expected, Evaluator.Aggregate(lines));
    }

    [Fact]
    public void Aggregate_EveryOrderOfLines_GivesSameOutcome()
    {
        LineOutcome[] outcomes = [Covered, Nmn, NotAddressed, Excluded];
        var forward = outcomes.Select((o, i) => Line(i + 1, o)).ToList();
        var backward = Enumerable.Reverse(forward).ToList();

        Assert.Equal(RequestOutcome.PartiallyCovered, Evaluator.Aggregate(forward));
        Assert.Equal(Evaluator.Aggregate(forward), Evaluator.Aggregate(backward));
    }

    [Fact]
    public void Evaluate_AllLinesNotAddressed_IsNotAddressed()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder()
            .Line("19120").AddLine("19499", "HIFU").AddLine("19499", "excision of breast lesion"));

        Assert.All(determination.Lines, l => Assert.Equal(NotAddressed, l.Outcome));
        Assert.Equal(RequestOutcome.NotAddressed, determination.Outcome);
        Assert.False(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_InformationRequiredBesideCoveredLine_IsPended()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-fda-cryo-rider")
            .Line("0581T").AddLine("19499"));

        Assert.Equal([Covered, Info], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
    }

    [Fact]
    public void Evaluate_InformationRequiredBesideNotMedicallyNecessaryLine_IsPendedAndNeedsReview()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("0581T").AddLine("19499", "ablation"));

        Assert.Equal([Nmn, Info], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
        Assert.True(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_AllAddressedLinesCovered_IsCovered()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-fda-cryo-rider")
            .Line("0581T").AddLine("19499", "cryoablation").AddLine("19120"));

        Assert.Equal([Covered, Covered, NotAddressed], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.Covered, determination.Outcome);
        Assert.False(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_NoAddressedLineCovered_IsNotCovered()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder()
            .Line("0581T").AddLine("19499", "MWA").AddLine("19120"));

        Assert.Equal([Nmn, Nmn, NotAddressed], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.NotCovered, determination.Outcome);
        Assert.True(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_TwoLinesOneAddressed_IsNotCovered()
    {
        // Scenario 19: the not-addressed line does not count.
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("0581T").AddLine("19120"));

        Assert.Equal(RequestOutcome.NotCovered, determination.Outcome);
        Assert.True(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_CoveredAndNotCoveredLines_IsPartiallyCovered()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-fda-cryo-rider")
            .Line("0581T").AddLine("19499", "microwave ablation"));

        Assert.Equal([Covered, Nmn], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.PartiallyCovered, determination.Outcome);
        Assert.True(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_CoveredAndAdministrativeDenial_IsPartiallyCoveredWithoutReview()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-mandate-over-exclusion")
            .Line("0581T").AddLine("19499", "RFA"));

        Assert.Equal([Covered, Excluded], determination.Lines.Select(l => l.Outcome));
        Assert.Equal(RequestOutcome.PartiallyCovered, determination.Outcome);
        Assert.False(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_LinesKeepRequestOrderAndSequence()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder()
            .Line("19120", sequence: 3).AddLine("0581T", sequence: 1).AddLine("19499", "RFA", sequence: 2));

        Assert.Equal([3, 1, 2], determination.Lines.Select(l => l.Sequence));
        Assert.Equal(["19120", "0581T", "19499"], determination.Lines.Select(l => l.Code));
    }

    [Fact]
    public void Evaluate_RequiresPhysicianReview_TrueIffSomeLineRequiresIt()
    {
        var withNmn = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-fda-cryo-rider")
            .Line("0581T").AddLine("19499", "MWA").AddLine("19120"));
        var withoutNmn = TestCatalogue.Evaluate(new RequestBuilder().Plan("example-fda-cryo-rider")
            .Line("0581T").AddLine("19120").AddLine("0581T", sequence: 5).Diagnoses("C50.411"));
        var administrative = TestCatalogue.Evaluate(new RequestBuilder().Date("2025-12-31").Line("0971T").AddLine("19499"));

        Assert.True(withNmn.RequiresPhysicianReview);
        Assert.Equal(1, withNmn.Lines.Count(l => l.RequiresPhysicianReview));
        Assert.False(withoutNmn.RequiresPhysicianReview);
        Assert.DoesNotContain(withoutNmn.Lines, l => l.RequiresPhysicianReview);
        Assert.False(administrative.RequiresPhysicianReview);
    }

    private static LineDetermination Line(int sequence, LineOutcome outcome) => new()
    {
        Sequence = sequence,
        Code = "0581T",
        DateOfService = new DateOnly(2026, 5, 4),
        Outcome = outcome,
        RequiresPhysicianReview = outcome == LineOutcome.NotMedicallyNecessary,
        Rationale = "test",
        Trace = ["test"],
    };
}
