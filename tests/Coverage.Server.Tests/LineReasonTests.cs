using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Fhir;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// The reason CRD cards and PAS notes give, composed from the structured determination (outcome, policy, the passage
/// cited first, the unmet criteria, what is needed), for 0540 and for a criteria policy alike: no prose is parsed.
/// </summary>
public sealed class LineReasonTests
{
    private static readonly PolicyCatalogue Catalogue =
        CatalogueLoader.Load(Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));

    private static LineDetermination Line(string json)
    {
        var read = RequestReader.Read(json, Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return new Evaluator(Catalogue, new FakeTimeProvider(CoverageApp.Start)).Evaluate(read.Request!).Lines.Single();
    }

    [Fact]
    public void CriteriaPolicy_NotMedicallyNecessary_QuotesItsStatementAndNamesTheUnmetCriterion()
    {
        var line = Line("""
            {"member": {"birthDate": "1960-03-01"}, "dateOfService": "2026-03-20", "diagnoses": ["C79.51"],
             "serviceLines": [{"sequence": 1, "code": "C9734"}],
             "clinical": {"lesionDistanceFromSkinAndNervesCm": 0.9, "mirelsScore": 6, "requiresSurgicalStabilization": false,
                          "clinicallySignificantComorbidities": false, "painRefractoryToRadiation": true}}
            """);
        var unmet = line.Criteria.Single(c => c.Result == CriterionResult.Unmet);
        var statement = line.Citations.First(c => c.Section is not null);

        var reason = LineReason.Of(line).ToString();

        Assert.StartsWith($"C9734 is not medically necessary under policy CG-MED-81 \"{line.Policy!.Title}\", version {line.Policy.Version}.", reason, StringComparison.Ordinal);
        Assert.Contains($"{statement.Section}: \"{statement.Text}\"", reason, StringComparison.Ordinal);
        Assert.Contains($"Not met: {unmet.Text.TrimEnd('.')}.", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleStatementPolicy_NotMedicallyNecessary_QuotesTheStatementWithoutTheEvidenceReview()
    {
        var line = Line(CoverageApp.Sample("cryoablation-prior-auth.json"));

        var reason = LineReason.Of(line).ToString();

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Contains("Coverage Policy: \"The following ablative treatments for malignant breast tumors are considered not medically necessary", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("review of the evidence", reason, StringComparison.Ordinal);
        Assert.True(reason.Length <= LineReason.MaxLength);
    }

    [Fact]
    public void InformationRequired_SaysWhatIsNeeded()
    {
        var line = Line("""
            {"member": {"birthDate": "1960-03-01"}, "dateOfService": "2026-03-20", "diagnoses": ["C79.51"], "serviceLines": [{"sequence": 1, "code": "C9734"}]}
            """);

        var reason = LineReason.Of(line).ToString();

        Assert.Contains("is not decided until more information is sent", reason, StringComparison.Ordinal);
        Assert.Contains(" Needed: " + line.InformationNeeded[0].TrimEnd('.')[..40], reason, StringComparison.Ordinal);
        Assert.True(reason.Length <= LineReason.MaxLength);
    }
}
