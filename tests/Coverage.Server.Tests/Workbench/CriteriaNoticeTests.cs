using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Server.Workbench;
using Coverage.Server.Workbench.Notices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The case details and the adverse notice of a criteria-based policy (catalogues/with-related-resources: HIFU and
/// LITT): read from the structured determination, they state the specific criteria not met in the policy's words
/// (29 CFR 2560.503-1(g)(1)(i)–(iii)), with nothing of either policy in code.
/// </summary>
public sealed class CriteriaNoticeTests
{
    private static readonly PolicyCatalogue Catalogue =
        CatalogueLoader.Load(Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));

    private static readonly NoticeBuilder Builder = new(Options.Create(new WorkbenchOptions
    {
        Notice = new NoticeOptions { PlanName = "Example Health Plan", Contact = "Member Services at 1-800-555-0100", AppealAddress = "PO Box 1, Example" },
    }));

    private const string LesionTooClose = """
        {"requestId": "H05", "member": {"id": "M-H05", "birthDate": "1960-03-01", "sex": "female"}, "dateOfService": "2026-03-20",
         "placeOfService": "22", "diagnoses": ["C79.51"], "serviceLines": [{"sequence": 1, "code": "C9734", "units": 1}],
         "clinical": {"lesionDistanceFromSkinAndNervesCm": 0.9, "mirelsScore": 6, "requiresSurgicalStabilization": false,
                      "clinicallySignificantComorbidities": false, "painRefractoryToRadiation": true}}
        """;

    private const string OneDrugRegimen = """
        {"requestId": "L04", "member": {"id": "M-L04", "birthDate": "1990-01-01"}, "dateOfService": "2023-05-01", "diagnoses": ["G40.219"],
         "serviceLines": [{"sequence": 1, "code": "61736", "units": 1}],
         "clinical": {"nonEpilepticAttacksRuledOut": true, "seizureTypeAndSyndromeDefined": true, "disablingSeizures": true,
                      "antiepilepticDrugRegimensTried": 1, "epileptogenicFocus": "temporal-lobe", "focusAccessibleByLitt": true}}
        """;

    /// <summary>Before 2022 the policy held LITT investigational for every indication: a statement without criteria.</summary>
    private static readonly string Before2022 = OneDrugRegimen.Replace("2023-05-01", "2021-12-31", StringComparison.Ordinal);

    private static CaseDetails Upheld(string json)
    {
        var read = RequestReader.Read(json, Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        var determination = new Evaluator(Catalogue, new FakeTimeProvider(CoverageApp.Start)).Evaluate(read.Request!);
        var view = new CaseView
        {
            Id = Guid.NewGuid(), RequestId = read.Request!.RequestId, MemberId = read.Request.Member.Id, Kind = "prior-authorization", Priority = "standard",
            Status = CaseStatus.Final, Outcome = "not-covered",
            ReceivedAt = CoverageApp.Start.UtcDateTime, DueAt = CoverageApp.Start.UtcDateTime.AddDays(7), UpdatedAt = CoverageApp.Start.UtcDateTime, Revision = 1,
            RequestJson = RequestWriter.ToJson(read.Request), DeterminationJson = DeterminationWriter.ToUtf8Json(determination),
            Decisions = [new DecisionView(1, DecisionActions.Uphold, "The criteria of the policy are not met.", "dr-lee", "Dr. Grace Lee", "physician",
                CoverageApp.Start.UtcDateTime.AddHours(2))],
        };
        return CaseDetails.From(view, Catalogue);
    }

    private static string Text(AdverseNotice notice) => string.Join("\n",
        notice.Sections.SelectMany(s => s.Blocks.Select(b => b switch
        {
            NoticeParagraph p => p.Text,
            NoticeBullets l => string.Join("\n", l.Items.Select(i => "• " + i)),
            NoticeQuote q => $"{q.Text} — {q.Source}",
            NoticeDefinitions d => string.Join("\n", d.Items.Select(i => $"{i.Label}: {i.Value}")),
            _ => "",
        }).Prepend(s.Heading)));

    [Fact]
    public void Details_ReadTheCriteriaOfTheStructuredDetermination()
    {
        var details = Upheld(LesionTooClose).Lines.Single();
        var line = details.Line;

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.NotEmpty(line.Criteria);
        var unmet = Assert.Single(details.CriteriaWith(CriterionResult.Unmet));
        Assert.Contains("lesionDistanceFromSkinAndNervesCm", unmet.Facts);
        Assert.All(line.Criteria, c => Assert.False(string.IsNullOrWhiteSpace(c.Section)));
    }

    [Fact]
    public void Notice_NotMedicallyNecessary_StatesTheUnmetCriterionInThePolicysWords()
    {
        var details = Upheld(LesionTooClose);
        var unmet = details.Lines.Single().CriteriaWith(CriterionResult.Unmet).Single();

        var text = Text(Builder.Build(details, 1)!);

        Assert.Contains("This criterion was not met:", text, StringComparison.Ordinal);
        Assert.Contains($"• {unmet.Text.TrimEnd('.')} (policy section \"{unmet.Section}\").", text, StringComparison.Ordinal);
        Assert.Contains("These criteria were met:", text, StringComparison.Ordinal);
        Assert.Contains("decided on", text, StringComparison.Ordinal);
        Assert.Contains("is not medically necessary under our medical policy CG-MED-81", text, StringComparison.Ordinal);
        // The facts the reviewer considered, in the catalogue's words, with the sex and place of service stated.
        Assert.Contains("Sex: female", text, StringComparison.Ordinal);
        Assert.Contains("Place of service (CMS code): 22", text, StringComparison.Ordinal);
        Assert.Contains(": 0.9 cm", text, StringComparison.Ordinal);
        // The diagnosis is named by the policy's own indication.
        var indication = Catalogue.FindPolicy("CG-MED-81")!.Indications.First(i => i.Diagnoses.Contains("C7951")).Diagnoses.Name;
        Assert.Contains($"Diagnosis C79.51: a diagnosis of {indication.ToLowerInvariant()} (ICD-10-CM)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Notice_Investigational_SaysSoAndNamesTheCriterion()
    {
        var details = Upheld(OneDrugRegimen);
        var line = details.Lines.Single();
        Assert.Equal(LineOutcome.ExperimentalInvestigationalUnproven, line.Line.Outcome);

        var text = Text(Builder.Build(details, 1)!);

        Assert.Contains("is experimental, investigational or unproven under our medical policy MP-728", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not medically necessary", text.Split("Codes used in this decision")[0], StringComparison.Ordinal);
        foreach (var criterion in line.CriteriaWith(CriterionResult.Unmet))
            Assert.Contains(criterion.Text.TrimEnd('.'), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Notice_StatementWithoutCriteria_SaysForThoseDiagnosesNotForThisPatientAlone()
    {
        var details = Upheld(Before2022);
        Assert.Empty(details.Lines.Single().Line.Criteria);

        var text = Text(Builder.Build(details, 1)!);

        Assert.Contains("experimental, investigational or unproven for any patient with the diagnoses on this request", text, StringComparison.Ordinal);
        Assert.DoesNotContain("were not met", text, StringComparison.Ordinal);
    }
}
