using System.Text.Json.Nodes;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using FhirCoverage = Hl7.Fhir.Model.Coverage;

namespace Coverage.Server.Tests;

/// <summary>Builds what an EHR sends: FHIR resources made with the Firely SDK, wrapped in CDS Hooks requests.</summary>
internal static class Ehr
{
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10-cm";

    public static Patient Patient(string id = "pat-1", string birthDate = "1950-03-01", string memberId = "M-CRD-1") => new()
    {
        Id = id,
        Identifier = [new Identifier("http://payer.example/member-id", memberId)],
        BirthDate = birthDate,
        Gender = AdministrativeGender.Female,
    };

    public static FhirCoverage Coverage(string plan = "standard", string id = "cov-1", string patientId = "pat-1", string memberId = "M-CRD-1") => new()
    {
        Id = id,
        Status = FinancialResourceStatusCodes.Active,
        SubscriberId = memberId,
        Beneficiary = new ResourceReference($"Patient/{patientId}"),
        Payor = [new ResourceReference { Display = "Example payer" }],
        Class =
        [
            new FhirCoverage.ClassComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/coverage-class", "plan"),
                Value = plan,
            },
        ],
    };

    /// <summary>The Coverage with a second class of type plan naming <paramref name="otherPlan"/> (US Core allows one).</summary>
    public static FhirCoverage TwoPlans(FhirCoverage coverage, string otherPlan)
    {
        coverage.Class.Add(new FhirCoverage.ClassComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/coverage-class", "plan"), Value = otherPlan });
        return coverage;
    }

    public static ServiceRequest Order(string code, string? text = null, string? diagnosis = "C50.412", string date = "2026-05-04", string id = "sr-1")
    {
        var order = new ServiceRequest
        {
            Id = id,
            Status = RequestStatus.Draft,
            Intent = RequestIntent.Order,
            Subject = new ResourceReference("Patient/pat-1"),
            Code = new CodeableConcept(Cpt, code) { Text = text },
            Occurrence = new FhirDateTime(date),
        };
        if (diagnosis is not null) order.ReasonCode.Add(new CodeableConcept(Icd10, diagnosis));
        return order;
    }

    public static Bundle Collection(params Resource[] resources)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        foreach (var resource in resources) bundle.Entry.Add(new Bundle.EntryComponent { Resource = resource });
        return bundle;
    }

    public static Bundle SearchSet(params Resource[] resources)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = resources.Length };
        foreach (var resource in resources) bundle.Entry.Add(new Bundle.EntryComponent { Resource = resource, FullUrl = $"http://ehr.example/fhir/{resource.TypeName}/{resource.Id}" });
        return bundle;
    }

    public static JsonNode Node(Resource resource) => JsonNode.Parse(FhirJson.Serialize(resource))!;

    /// <summary>A CDS Hooks request for the hook with the given context, prefetching the patient and one Coverage by default.</summary>
    public static JsonObject HookRequest(string hook, JsonObject context, Patient? patient = null, Bundle? coverage = null, bool prefetch = true)
    {
        context["userId"] ??= "Practitioner/pr-1";
        context["patientId"] ??= "pat-1";
        var request = new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = context,
        };
        if (prefetch)
            request["prefetch"] = new JsonObject
            {
                ["patient"] = Node(patient ?? Patient()),
                ["coverage"] = Node(coverage ?? SearchSet(Coverage())),
            };
        return request;
    }

    public static JsonObject OrderSign(params Resource[] orders) =>
        HookRequest("order-sign", new JsonObject { ["draftOrders"] = Node(Collection(orders)) });
}
