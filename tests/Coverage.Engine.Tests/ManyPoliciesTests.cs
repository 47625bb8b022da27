using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>
/// Several policies listing one code (catalogues/with-related-resources: 0540, CG-MED-81 and MP-728 all list
/// 19499): the first that addresses the line decides it, and only that policy speaks in the determination.
/// </summary>
public class ManyPoliciesTests
{
    private static readonly Lazy<PolicyCatalogue> Catalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(TestCatalogue.RepositoryRoot, "catalogues", "with-related-resources")));

    private static Determination Evaluate(string json)
    {
        var read = RequestReader.Read(json, Catalogue.Value);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return new Evaluator(Catalogue.Value, new FakeTimeProvider(TestCatalogue.FixedNow)).Evaluate(read.Request!);
    }

    [Fact]
    public void ALineDecidedByOnePolicy_CarriesNoWarningOfAnotherThatLeftIt()
    {
        // CG-MED-81 is past its next review date (2024-11-09) and lists 19499, but a LITT description is not its:
        // MP-728 decides the line, so CG-MED-81's "due for review" warning does not concern it.
        var determination = Evaluate("""
            {"dateOfService": "2026-06-01", "diagnoses": ["D24.1"],
             "serviceLines": [{"sequence": 1, "code": "19499", "description": "LITT of breast fibroadenoma"}]}
            """);

        var line = Assert.Single(determination.Lines);
        Assert.Equal("MP-728", line.Policy?.Id);
        Assert.DoesNotContain(determination.Warnings, w => w.Contains("CG-MED-81", StringComparison.Ordinal));
    }

    [Fact]
    public void ALineDecidedByAPolicyPastItsReview_CarriesItsWarning()
    {
        var determination = Evaluate("""
            {"member": {"birthDate": "1960-03-01"}, "dateOfService": "2026-03-20", "diagnoses": ["C79.51"],
             "serviceLines": [{"sequence": 1, "code": "C9734"}]}
            """);

        Assert.Equal("CG-MED-81", Assert.Single(determination.Lines).Policy?.Id);
        Assert.Contains(determination.Warnings, w => w.Contains("CG-MED-81", StringComparison.Ordinal));
    }
}
