using System.Net;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// GET /fhir/Questionnaire/{id}, /fhir/Library/{id}, /fhir/ValueSet/{id} and their search by url and version (how a
/// DTR client resolves a canonical it was given): the resources are exactly those of the $questionnaire-package, under
/// the same authorisation; an unknown id is a 404 OperationOutcome; a search that matches nothing an empty searchset.
/// Run on the default catalogue (the FDA label) and on the with-related-resources catalogue (criteria policies, one
/// questionnaire with no Library).
/// </summary>
public sealed class DtrResourceReadTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private const string Questionnaire0540 = "http://localhost/fhir/Questionnaire/0540-fda-prosense";

    private CoverageApp App(string? catalogue = null) => new(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        ApiTokens.Configure(builder);
        if (catalogue is not null) builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", catalogue));
    });

    private static HttpClient Reader(CoverageApp app) => app.CreateClient().With(ApiTokens.Create("system/Questionnaire.r"));

    private static async Task<(HttpStatusCode Status, Resource Resource)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException($"{problems?.Issue[0].Diagnostics}: {text}"));
    }

    private static async Task<Bundle> PackageOf(HttpClient client, string canonical)
    {
        var (status, output) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$questionnaire-package", Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), canonical));
        Assert.Equal(HttpStatusCode.OK, status);
        return Assert.Single(Dtr.Bundles((Parameters)output));
    }

    [Fact]
    public async Task EachResourceOfThePackage_ReadsByItsId_AsThePackageHasIt()
    {
        using var app = App();
        using var client = Reader(app);
        var package = await PackageOf(client, Questionnaire0540);
        Assert.Contains(package.Entry, e => e.Resource is Hl7.Fhir.Model.Library);
        Assert.Contains(package.Entry, e => e.Resource is ValueSet);

        foreach (var entry in package.Entry)
        {
            var (status, read) = await GetAsync(client, $"/fhir/{entry.Resource!.TypeName}/{entry.Resource.Id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(FhirJson.Serialize(entry.Resource), FhirJson.Serialize(read));
            Assert.Equal(entry.FullUrl, ((IVersionableConformanceResource)read).Url);
        }
    }

    [Theory]
    [InlineData("/fhir/Questionnaire/no-such-questionnaire")]
    [InlineData("/fhir/Library/no-such-library")]
    [InlineData("/fhir/ValueSet/clinical-fact-no-such-fact")]
    public async Task AnUnknownId_Is404_WithAnOperationOutcome(string path)
    {
        using var app = App();
        using var client = Reader(app);

        var (status, resource) = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue);
        Assert.Equal(OperationOutcome.IssueType.NotFound, issue.Code);
        Assert.Equal("id", Assert.Single(issue.Expression));
    }

    [Fact]
    public async Task SearchByUrlAndVersion_FindsTheVersionTheCanonicalNames()
    {
        using var app = App();
        using var client = Reader(app);
        var package = await PackageOf(client, Questionnaire0540);
        var questionnaire = Dtr.QuestionnaireOf(package);
        var (url, version) = (questionnaire.Url!, questionnaire.Version!);
        var canonical = $"{url}|{version}";

        foreach (var query in new[]
        {
            $"url={Uri.EscapeDataString(url)}&version={Uri.EscapeDataString(version)}",
            $"url={Uri.EscapeDataString(canonical)}",
            $"url={Uri.EscapeDataString(url)}",
        })
        {
            var (status, resource) = await GetAsync(client, "/fhir/Questionnaire?" + query);
            Assert.Equal(HttpStatusCode.OK, status);
            var bundle = Assert.IsType<Bundle>(resource);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            Assert.Equal(1, bundle.Total);
            Assert.Equal(FhirJson.Serialize(questionnaire), FhirJson.Serialize(Assert.Single(bundle.Entry).Resource!));
        }
        // The Library is found by its canonical as the questionnaire's cqf-library names it.
        var library = Dtr.LibraryOf(package)!;
        var cqfLibrary = Dtr.Value<Canonical>(questionnaire, QuestionnaireBuilder.CqfLibrary).Value!;
        var (_, libraries) = await GetAsync(client, $"/fhir/Library?url={Uri.EscapeDataString(cqfLibrary)}&version={Uri.EscapeDataString(library.Version!)}");
        Assert.Equal(library.Id, Assert.Single(((Bundle)libraries).Entry).Resource!.Id);
    }

    [Theory]
    [InlineData("url=https%3A%2F%2Fother.example%2Ffhir%2FQuestionnaire%2F0540-fda-prosense")]
    [InlineData("url=http%3A%2F%2Flocalhost%2Ffhir%2FQuestionnaire%2F0540-fda-prosense&version=sha256%3A0000")]
    [InlineData("url=http%3A%2F%2Flocalhost%2Ffhir%2FQuestionnaire%2F0540-fda-prosense%7Csha256%3A1111&version=sha256%3A2222")]
    [InlineData("url=http%3A%2F%2Flocalhost%2Ffhir%2FQuestionnaire%2Fno-such-questionnaire")]
    public async Task ASearchThatMatchesNothing_IsAnEmptySearchset(string query)
    {
        using var app = App();
        using var client = Reader(app);

        var (status, resource) = await GetAsync(client, "/fhir/Questionnaire?" + query);

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.IsType<Bundle>(resource);
        Assert.Equal(0, bundle.Total);
        Assert.Empty(bundle.Entry);
    }

    [Fact]
    public async Task AnotherSearchParameter_Is400NamingIt()
    {
        using var app = App();
        using var client = Reader(app);

        var (status, resource) = await GetAsync(client, "/fhir/Questionnaire?title=FDA");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("title", Assert.Single(Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Expression));
    }

    [Fact]
    public async Task AnotherCatalogue_ListsEveryQuestionnaireItDefines_AndAQuestionnaireWithNothingToPrepopulate_HasNoLibrary()
    {
        using var app = App("with-related-resources");
        using var client = Reader(app);

        var (_, listed) = await GetAsync(client, "/fhir/Questionnaire");
        var questionnaires = ((Bundle)listed).Entry.Select(e => (Questionnaire)e.Resource!).ToList();
        // Each questionnaire in its standard form, then its adaptive form.
        var expected = QuestionnaireSubject.All(app.Services.GetRequiredService<Coverage.Engine.Evaluation.Evaluator>().Catalogue).SelectMany(s => new[] { s.Id, s.AdaptiveId });
        Assert.Equal(expected, questionnaires.Select(q => q.Id));
        var (_, libraries) = await GetAsync(client, "/fhir/Library");
        // A Library has its standard form's id; the adaptive form names the same Library.
        var withLibrary = questionnaires.Where(q => q.Item.Count > 0 && Dtr.Has(q, QuestionnaireBuilder.CqfLibrary)).Select(q => q.Id).ToList();
        Assert.Equal(withLibrary, ((Bundle)libraries).Entry.Select(e => e.Resource!.Id));

        // MP-728's questionnaire reads no coded fact and no age: it names no Library, and reading one is 404.
        var mp728 = Assert.Single(questionnaires, q => q.Id == "mp-728-2022-01-01-refractory-epilepsy");
        Assert.False(Dtr.Has(mp728, QuestionnaireBuilder.CqfLibrary));
        var (status, _) = await GetAsync(client, $"/fhir/Library/{mp728.Id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        var (read, _) = await GetAsync(client, $"/fhir/Questionnaire/{mp728.Id}");
        Assert.Equal(HttpStatusCode.OK, read);
    }

    [Theory]
    [InlineData("/fhir/Questionnaire/0540-fda-prosense")]
    [InlineData("/fhir/Library/0540-fda-prosense")]
    [InlineData("/fhir/ValueSet?url=x")]
    public async Task TheReads_AreAuthorisedLikeThePackage(string path)
    {
        using var app = App();
        using var anonymous = app.CreateClient();
        using var claimsOnly = app.CreateClient().With(ApiTokens.Create("system/Claim.c system/ClaimResponse.r"));

        using var none = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        using var wrongScope = await claimsOnly.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
    }
}
