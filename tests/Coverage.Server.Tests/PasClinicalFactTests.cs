using System.Net;
using System.Text;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using static Coverage.Server.Tests.ClinicalFactReaderTests;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>
/// PAS with criteria-based policies (the with-related-resources catalogue): the clinical facts a Claim carries in
/// supportingInfo, or in the Observations it references, decide CG-MED-81's HIFU criteria; what is missing is
/// asked for (A4), what cannot be read exactly is an OperationOutcome naming the element.
/// </summary>
public sealed class PasClinicalFactTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public PasClinicalFactTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources")));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static Claim.SupportingInformationComponent Info(int sequence, string fact, DataType value) =>
        new() { Sequence = sequence, Category = Fact(fact), Value = value };

    /// <summary>HIFU (C9734) for painful bone metastases (C79.51), with every CG-MED-81 criterion met unless the test changes it.</summary>
    private static List<Claim.SupportingInformationComponent> AllCriteriaMet() =>
    [
        Info(1, "lesionDistanceFromSkinAndNervesCm", Ucum(25m, "mm")),
        Info(2, "mirelsScore", new Quantity { Value = 6 }),
        Info(3, "requiresSurgicalStabilization", new FhirBoolean(false)),
        Info(4, "clinicallySignificantComorbidities", new FhirBoolean(false)),
        Info(5, "painRefractoryToRadiation", new FhirBoolean(true)),
    ];

    /// <summary>HIFU (C9734) for painful bone metastases (C79.51) on the standard plan, with the given supporting information.</summary>
    private static Bundle HifuBundle(IEnumerable<Claim.SupportingInformationComponent> supportingInfo, params (string FullUrl, Resource Resource)[] more) =>
        PasRequestBundles.OneLine(
            new CodeableConcept(FhirSystems.Hcpcs, "C9734") { Text = "MR-guided focused ultrasound ablation, painful bone metastasis" }, "C79.51",
            Ehr.Coverage("standard"), Ehr.Patient(memberId: "M-PAS-HIFU"), "Example interventional radiology", supportingInfo, more);

    private async Task<(HttpStatusCode Status, Resource Body)> Submit(Bundle bundle)
    {
        FhirValidation.AssertValid(bundle);
        using var content = new StringContent(FhirJson.Serialize(bundle), Encoding.UTF8, "application/fhir+json");
        using var response = await _client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        FhirValidation.AssertValid(resource);
        return (response.StatusCode, resource);
    }

    private static ClaimResponse ClaimResponseOf(Resource body)
    {
        var bundle = Assert.IsType<Bundle>(body);
        foreach (var entry in bundle.Entry) FhirValidation.AssertValid(entry.Resource!);
        return Assert.IsType<ClaimResponse>(bundle.Entry[0].Resource);
    }

    private static string ActionCode(ClaimResponse.ItemComponent item)
    {
        var reviewAction = Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        return Assert.IsType<CodeableConcept>(reviewAction.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single().Code!;
    }

    private static OperationOutcome.IssueComponent Issue(HttpStatusCode status, Resource body, string expression)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var outcome = Assert.IsType<OperationOutcome>(body);
        return Assert.Single(outcome.Issue, i => i.Expression.Contains(expression));
    }

    [Fact]
    public async Task Submit_SupportingInfoMeetsEveryHifuCriterion_IsCertifiedA1()
    {
        var (status, body) = await Submit(HifuBundle(AllCriteriaMet()));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal("A1", ActionCode(Assert.Single(response.Item)));
        Assert.Contains("CG-MED-81", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OneCriterionMissing_IsPendedA4AskingForThatFact()
    {
        var (status, body) = await Submit(HifuBundle(AllCriteriaMet().Where(i => i.Sequence != 5)));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal("A4", ActionCode(Assert.Single(response.Item)));
        var note = Assert.Single(response.ProcessNote).Text;
        Assert.Contains("more information is needed", note, StringComparison.Ordinal);
        Assert.Contains("(painRefractoryToRadiation)", note, StringComparison.Ordinal);
        Assert.DoesNotContain("(mirelsScore)", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_WithoutClinicalFacts_IsPendedA4AskingForEveryCriterionsFacts()
    {
        var (status, body) = await Submit(HifuBundle([]));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal("A4", ActionCode(Assert.Single(response.Item)));
        var note = Assert.Single(response.ProcessNote).Text;
        foreach (var fact in new[] { "lesionDistanceFromSkinAndNervesCm", "requiresSurgicalStabilization", "clinicallySignificantComorbidities", "painRefractoryToRadiation" })
            Assert.Contains($"({fact})", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_CriterionNotMet_IsPendedForPhysicianReview()
    {
        var infos = AllCriteriaMet();
        infos[2] = Info(3, "requiresSurgicalStabilization", new FhirBoolean(true));

        var (status, body) = await Submit(HifuBundle(infos));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal("A4", ActionCode(Assert.Single(response.Item)));
        Assert.Contains("physician review", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_FactsInObservationsTheClaimReferences_AreRead()
    {
        var infos = AllCriteriaMet().Where(i => i.Sequence is not (1 or 2)).ToList();
        var distance = new Observation
        {
            Status = ObservationStatus.Final,
            Code = Fact("lesionDistanceFromSkinAndNervesCm"),
            Value = Ucum(1.2m, "cm"),
        };
        var mirels = new Observation { Status = ObservationStatus.Final, Code = Fact("mirelsScore"), Value = new Integer(7) };
        var (distanceUrl, mirelsUrl) = ($"urn:uuid:{Guid.NewGuid()}", $"urn:uuid:{Guid.NewGuid()}");
        var category = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claiminformationcategory", "info");
        infos.Add(new Claim.SupportingInformationComponent { Sequence = 6, Category = category, Value = new ResourceReference(distanceUrl) });
        infos.Add(new Claim.SupportingInformationComponent { Sequence = 7, Category = category, Value = new ResourceReference(mirelsUrl) });

        var (status, body) = await Submit(HifuBundle(infos, (distanceUrl, distance), (mirelsUrl, mirels)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("A1", ActionCode(Assert.Single(ClaimResponseOf(body).Item)));
    }

    [Fact]
    public async Task Submit_UnitThatDoesNotConvert_IsAnOperationOutcomeNamingTheSupportingInfo()
    {
        var infos = AllCriteriaMet();
        infos[0] = Info(1, "lesionDistanceFromSkinAndNervesCm", Ucum(25m, "mg"));

        var (status, body) = await Submit(HifuBundle(infos));

        var issue = Issue(status, body, "Claim.supportingInfo[0].valueQuantity");
        Assert.Contains("'mg' does not convert exactly to cm", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_FactStatedTwiceWithDifferentValues_IsAnOperationOutcomeNamingBoth()
    {
        var infos = AllCriteriaMet();
        infos.Add(Info(6, "mirelsScore", new Quantity { Value = 9 }));

        var (status, body) = await Submit(HifuBundle(infos));

        var issue = Issue(status, body, "Claim.supportingInfo[5].valueQuantity");
        Assert.Contains("stated twice with different values", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("Claim.supportingInfo[1].valueQuantity", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_FactOutsideItsRange_IsABusinessErrorNamingWhereItWasRead()
    {
        // A value the payer cannot act on is answered as PAS 2.2.1 answers business errors: 200, outcome error, X12 901 "33".
        var infos = AllCriteriaMet();
        infos[0] = Info(1, "lesionDistanceFromSkinAndNervesCm", Ucum(0.6m, "m"));

        var (status, body) = await Submit(HifuBundle(infos));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        var error = Assert.Single(response.Error);
        Assert.Equal("33", error.Code.Coding.Single().Code);
        Assert.Equal("Claim.supportingInfo[0].valueQuantity", Assert.IsType<FhirString>(error.Extension.Single(e => e.Url!.EndsWith("extension-errorPath", StringComparison.Ordinal)).Value).Value);
        Assert.Contains("outside 0–50 cm", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
    }
}
