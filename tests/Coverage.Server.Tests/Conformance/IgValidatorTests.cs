using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests.Conformance;

/// <summary>
/// The offline IG-profile validator works: the IGs' own examples validate against their profiles without errors,
/// and a copy broken in one place yields the error for that place. The validators are shared (loading a guide takes seconds).
/// </summary>
public sealed class IgValidatorTests
{
    private const string CrdServiceRequest = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/profile-servicerequest";
    private const string CrdCoverage = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/profile-coverage";
    private const string CrdCoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
    private const string PasRequestBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-request-bundle";
    private const string PasResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle";
    private const string PasInquiryResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-inquiry-response-bundle";

    private static string Fixture(string path) => File.ReadAllText(Path.Combine(IgValidator.FixturesFolder, path));

    private static T Parse<T>(string json) where T : Resource => Assert.IsType<T>(IgValidator.Parse(json));

    private static string Errors(IReadOnlyList<IgIssue> errors) => string.Join("\n", errors);

    [Fact]
    public void ThePackagesAreReadFromTheTarballs()
    {
        var crd = IgValidator.Crd201;

        Assert.True(crd.Defines(CrdServiceRequest));
        Assert.True(crd.Defines(CrdCoverageInformation));
        // US Core 3.1.1, which the CRD profiles are built on, comes from its own package.
        Assert.True(crd.Defines("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"));
        Assert.All(crd.Loaded.OfType<StructureDefinition>(), s => Assert.NotNull(s.Snapshot));
        Assert.True(IgValidator.Pas201.Defines(PasRequestBundle));
        Assert.False(crd.Defines(PasRequestBundle));
    }

    [Fact]
    public void Crd201_TheIgsServiceRequestExample_IsValid()
    {
        var order = Parse<ServiceRequest>(Fixture("crd-ig/2.0.1/ServiceRequest-example.json"));

        var errors = IgValidator.Crd201.Errors(order, CrdServiceRequest);

        Assert.True(errors.Count == 0, Errors(errors));
    }

    [Fact]
    public void Crd201_AServiceRequestWithoutItsRequester_IsInvalidForTheCrdProfile_NotForBaseR4()
    {
        // profile-servicerequest makes requester 1..1 (base R4: 0..1).
        var json = JsonNode.Parse(Fixture("crd-ig/2.0.1/ServiceRequest-example.json"))!.AsObject();
        Assert.True(json.Remove("requester"));
        var order = Parse<ServiceRequest>(json.ToJsonString());

        var errors = IgValidator.Crd201.Errors(order, CrdServiceRequest);
        var baseErrors = IgValidator.Crd201.Errors(order, "http://hl7.org/fhir/StructureDefinition/ServiceRequest");

        var error = Assert.Single(errors);
        Assert.Equal("ServiceRequest", error.Location);
        Assert.Contains("Missing required member: 'requester'", error.Message, StringComparison.Ordinal);
        Assert.Empty(baseErrors);
    }

    [Fact]
    public void Crd201_CoverageInformation_ValuesOutsideTheExtensionsDefinition_AreErrors()
    {
        // The shape today's server answers with (issue 16): detail.value as a url, info-needed 'detail-code'.
        // CRD 2.0.1 allows detail.value[x] boolean|string|Period|Quantity and binds info-needed (required) to
        // performer|location|timeframe|contract-window|OTH.
        var json = JsonNode.Parse(Fixture("crd-ig/2.0.1/ServiceRequest-example.json"))!.AsObject();
        json["extension"] = JsonNode.Parse("""
            [{ "url": "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information",
               "extension": [
                 { "url": "coverage", "valueReference": { "reference": "Coverage/example" } },
                 { "url": "covered", "valueCode": "conditional" },
                 { "url": "pa-needed", "valueCode": "auth-needed" },
                 { "url": "info-needed", "valueCode": "detail-code" },
                 { "url": "detail", "extension": [
                     { "url": "code", "valueCodeableConcept": { "coding": [ { "system": "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp", "code": "policy-link" } ] } },
                     { "url": "value", "valueUrl": "https://payer.example/policies/0540" } ] },
                 { "url": "date", "valueDate": "2026-11-25" },
                 { "url": "coverage-assertion-id", "valueString": "a1" } ] }]
            """);
        var order = Parse<ServiceRequest>(json.ToJsonString());

        var errors = IgValidator.Crd201.Errors(order, CrdServiceRequest);

        Assert.Contains(errors, e => e.Message.Contains("'detail-code' does not exist in the value set", StringComparison.Ordinal)
                                     && e.Message.Contains("informationNeeded", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("Element is of type 'url', which is not one of the allowed choice types", StringComparison.Ordinal));
        Assert.Equal(2, errors.Select(e => e.Location).Distinct().Count());
    }

    [Fact]
    public void Crd201_TheIgsCoverageExample_IsValid()
    {
        var coverage = Parse<Hl7.Fhir.Model.Coverage>(Fixture("crd-ig/2.0.1/Coverage-example.json"));

        var errors = IgValidator.Crd201.Errors(coverage, CrdCoverage);

        Assert.True(errors.Count == 0, Errors(errors));
    }

    [Fact]
    public void Pas201_TheIgsInquiryResponseBundleExample_IsValid()
    {
        var bundle = Parse<Bundle>(Fixture("pas-ig/2.0.1/Bundle-PASClaimInquiryResponseBundleExample.json"));

        var errors = IgValidator.Pas201.Errors(bundle, PasInquiryResponseBundle);

        Assert.True(errors.Count == 0, Errors(errors));
    }

    [Fact]
    public void Pas201_AResponseBundleWithoutItsTimestamp_IsInvalid()
    {
        // profile-pas-inquiry-response-bundle makes timestamp 1..1 (base R4: 0..1).
        var json = JsonNode.Parse(Fixture("pas-ig/2.0.1/Bundle-PASClaimInquiryResponseBundleExample.json"))!.AsObject();
        Assert.True(json.Remove("timestamp"));
        var bundle = Parse<Bundle>(json.ToJsonString());

        var errors = IgValidator.Pas201.Errors(bundle, PasInquiryResponseBundle);

        var error = Assert.Single(errors);
        Assert.Contains("timestamp", error.Message, StringComparison.Ordinal);
        Assert.Equal("Bundle", error.Location);
    }

    [Fact]
    public void Pas201_AClaimResponseWithAnOutcomeOutsideItsBinding_IsInvalid()
    {
        // ClaimResponse.outcome is bound (required) to complete | error | partial | queued in R4; a code outside it is an error.
        var json = JsonNode.Parse(Fixture("pas-ig/2.0.1/Bundle-PASClaimInquiryResponseBundleExample.json"))!.AsObject();
        var claimResponse = json["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "ClaimResponse");
        claimResponse["outcome"] = "pended";
        var bundle = Parse<Bundle>(json.ToJsonString());

        var errors = IgValidator.Pas201.Errors(bundle, PasInquiryResponseBundle);

        Assert.Contains(errors, e => e.Location.EndsWith(".outcome[0]", StringComparison.Ordinal) && e.Message.Contains("pended", StringComparison.Ordinal));
    }

    [Fact]
    public void Pas201_TheClaimProfile_IsBeyondThisFirelyValidator()
    {
        // A known limit, asserted so that an upgrade that lifts it is noticed: Firely.Fhir.Validation 3.6.0 cannot compile
        // PAS's Claim profiles (the Claim.careTeam:OverallClaimMember slice), so a request Bundle's Claim is not checked.
        var bundle = Parse<Bundle>(Fixture("pas-ig/2.0.1/Bundle-ReferralAuthorizationBundleExample.json"));

        var errors = IgValidator.Pas201.Errors(bundle, PasRequestBundle);

        Assert.Contains(errors, e => e.Message.Contains("profile-claim", StringComparison.Ordinal)
                                     && e.Message.Contains("OverallClaimMember", StringComparison.Ordinal));
    }

    [Fact]
    public void Pas221_TheIgsResponseBundleExample_IsValid()
    {
        // PAS 2.2.1 with US Core 7.0.0 and the data-absent-reason stand-in: the response profiles compile and the IG's
        // own approval response validates without errors (X12 value sets are beyond offline terminology: warnings).
        var bundle = Parse<Bundle>(Fixture("pas-ig/2.2.1/Bundle-ReferralAuthorizationResponseBundleExample.json"));

        var errors = IgValidator.Pas221.Errors(bundle, PasResponseBundle);

        Assert.True(errors.Count == 0, Errors(errors));
        Assert.True(IgValidator.Pas221.Defines("http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization"));
    }

    [Fact]
    public void Pas221_AClaimResponseOutcomeQueued_IsInvalid()
    {
        // 2.2.1 binds ClaimResponse.outcome to complete | error | partial: a pended answer is complete + A4, never queued.
        var json = JsonNode.Parse(Fixture("pas-ig/2.2.1/Bundle-ReferralAuthorizationResponseBundleExample.json"))!.AsObject();
        json["entry"]![0]!["resource"]!["outcome"] = "queued";
        var bundle = Parse<Bundle>(json.ToJsonString());

        var errors = IgValidator.Pas221.Errors(bundle, PasResponseBundle);

        Assert.Contains(errors, e => e.Location.EndsWith(".outcome[0]", StringComparison.Ordinal) && e.Message.Contains("queued", StringComparison.Ordinal));
    }

    private const string BackportNotification = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";
    private const string BackportStatus = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

    [Fact]
    public void Backport110_TheGuidesOwnStatus_IsValid_AndOneWithoutItsType_IsNot()
    {
        // The Subscriptions R5 Backport 1.1.0 rebuilt from its source (Packages/SOURCES.md): its profiles compile with
        // PAS 2.2.1, which builds its subscription profile on them, and the guide's own R4 example validates.
        Assert.True(IgValidator.Pas221.Defines(BackportStatus));
        Assert.True(IgValidator.Pas221.Defines("http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-subscription"));
        var json = JsonNode.Parse(Fixture("backport-ig/Parameters-r4-notification-status.json"))!.AsObject();

        var asGiven = IgValidator.Pas221.Errors(Parse<Parameters>(json.ToJsonString()), BackportStatus);
        Assert.True(asGiven.Count == 0, Errors(asGiven));

        // The profile asks for exactly one "type" parameter: without it, the slice's minimum is the error.
        var parameters = json["parameter"]!.AsArray();
        parameters.Remove(parameters.Single(p => p!["name"]!.GetValue<string>() == "type"));
        var errors = IgValidator.Pas221.Errors(Parse<Parameters>(json.ToJsonString()), BackportStatus);
        Assert.Contains(errors, e => e.Message.Contains("required slice: 'parameter:type'", StringComparison.Ordinal));
    }

    [Fact]
    public void Backport110_TheGuidesOwnNotification_FailsOnlyTheR5HistoryRule()
    {
        // The guide's own full-resource notification carries its SubscriptionStatus in a GET entry, as R4 allows; Firely's
        // validator applies R5's bdl-3b (a GET entry has no resource) to R4 all the same. That is the only error, so the
        // tests set exactly that one aside (IgValidator.IsR5HistoryEntryRule) and nothing else.
        var bundle = Parse<Bundle>(Fixture("backport-ig/Bundle-r4-notification-full-resource.json"));

        var errors = IgValidator.Pas221.Errors(bundle, BackportNotification);

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.True(IgValidator.IsR5HistoryEntryRule(e), e.ToString()));
    }
}
