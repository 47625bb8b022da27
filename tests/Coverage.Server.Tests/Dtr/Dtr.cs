using System.Net;
using System.Text;
using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests.Dtr;

/// <summary>What a DTR client sends and reads: $questionnaire-package Parameters, and the package Bundles of the answer.</summary>
internal static class Dtr
{
    public static Parameters PackageRequest(Hl7.Fhir.Model.Coverage coverage, params Resource[] orders)
    {
        var parameters = new Parameters();
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "coverage", Resource = coverage });
        foreach (var order in orders) parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "order", Resource = order });
        return parameters;
    }

    /// <summary>The extension's value (the extension must be there).</summary>
    public static T Value<T>(IExtendable element, string url) where T : DataType =>
        (T)(element.Extension.Single(e => e.Url == url).Value ?? throw new InvalidOperationException($"{url} has no value"));

    public static bool Has(IExtendable element, string url) => element.Extension.Any(e => e.Url == url);

    public static Parameters CanonicalRequest(Hl7.Fhir.Model.Coverage coverage, params string[] canonicals)
    {
        var parameters = new Parameters();
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "coverage", Resource = coverage });
        foreach (var canonical in canonicals) parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "questionnaire", Value = new Canonical(canonical) });
        return parameters;
    }

    public static async Task<(HttpStatusCode Status, Resource Resource)> PostAsync(HttpClient client, string path, Resource body)
    {
        using var content = new StringContent(FhirJson.Serialize(body), Encoding.UTF8, "application/fhir+json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics + ": " + text);
        return (response.StatusCode, resource);
    }

    public const string StandardQuestionnaireProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire";
    public const string AdaptiveQuestionnaireProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaire-adapt";
    public const string QuestionnaireResponseProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaireresponse";
    public const string SdcQuestionnaireResponseProfile = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse";
    public const string AdaptiveQuestionnaireResponseProfile = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse-adapt";
    public const string QrContext = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/qr-context";
    public const string IntendedUse = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/intendedUse";
    public const string SdcLibraryProfile = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-library";

    /// <summary>
    /// Every message of the DTR 2.0.1 validator (with SDC 3.0.0, CRD 2.0.1 and US Core 3.1.1) for
    /// <paramref name="resource"/> against <paramref name="profile"/>.
    /// </summary>
    public static IReadOnlyList<Conformance.IgIssue> Issues(Resource resource, string profile) =>
        Conformance.IgValidator.Dtr201.Validate(resource, profile);

    /// <summary>Valid against <paramref name="profile"/> (DTR 2.0.1 with SDC 3.0.0), or the test fails with the errors.</summary>
    public static void AssertValid(Resource resource, string profile)
    {
        var errors = Issues(resource, profile).Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName} is not valid against {profile}: {string.Join("; ", errors)}");
    }

    public static IReadOnlyList<Bundle> Bundles(Parameters output) =>
        [.. output.Parameter.Where(p => p.Name == "PackageBundle").Select(p => (Bundle)p.Resource!)];

    public static Questionnaire QuestionnaireOf(Bundle bundle) => (Questionnaire)bundle.Entry[0].Resource!;

    public static Hl7.Fhir.Model.Library? LibraryOf(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Library>().SingleOrDefault();

    /// <summary>
    /// The $questionnaire-package of one order (<paramref name="diagnosis"/> its reason, null for none), from the server
    /// in-process with the given catalogue (a folder of catalogues/, or a full path; null: the repository's).
    /// </summary>
    public static async Task<Bundle> PackageAsync(Storage storage, string? catalogue, string plan, string code, string? diagnosis)
    {
        using var app = new CoverageApp(storage, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CoverageApp.Start), builder =>
        {
            if (catalogue is not null) builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", catalogue));
        });
        using var client = app.CreateClient();
        var order = Ehr.Order(code, diagnosis: diagnosis);
        if (code.StartsWith('C')) order.Code = new CodeableConcept(FhirSystems.Hcpcs, code);
        var (_, resource) = await PostAsync(client, "/fhir/Questionnaire/$questionnaire-package", PackageRequest(Ehr.Coverage(plan), order));
        return Assert.Single(Bundles(Assert.IsType<Parameters>(resource)));
    }
}
