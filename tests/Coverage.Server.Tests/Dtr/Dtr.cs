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

    /// <summary>
    /// The one validation error that is not about our resources: a DTR profile (dtr-std-questionnaire,
    /// dtr-questionnaire-adapt) derives from SDC 3.0.0, which no kit carries, so Firely cannot compile it offline
    /// (Conformance/Packages/SOURCES.md).
    /// </summary>
    public static bool IsSdcMissing(Conformance.IgIssue issue) =>
        issue.Message.Contains("reference to profile 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/", StringComparison.Ordinal)
        && issue.Message.Contains("mentions profile 'http://hl7.org/fhir/uv/sdc/StructureDefinition/", StringComparison.Ordinal)
        && issue.Message.Contains("as its base, but it cannot be resolved", StringComparison.Ordinal);

    /// <summary>Valid against base R4 and the DTR 2.0.1 package (all but what needs SDC), or the test fails with the errors.</summary>
    public static void AssertValid(Resource resource)
    {
        var errors = Conformance.IgValidator.Dtr201.Errors(resource, "http://hl7.org/fhir/StructureDefinition/" + resource.TypeName).Where(i => !IsSdcMissing(i)).ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName} is not valid: {string.Join("; ", errors)}");
    }

    public static IReadOnlyList<Bundle> Bundles(Parameters output) =>
        [.. output.Parameter.Where(p => p.Name == "PackageBundle").Select(p => (Bundle)p.Resource!)];

    public static Questionnaire QuestionnaireOf(Bundle bundle) => (Questionnaire)bundle.Entry[0].Resource!;

    public static Hl7.Fhir.Model.Library? LibraryOf(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Library>().SingleOrDefault();
}
