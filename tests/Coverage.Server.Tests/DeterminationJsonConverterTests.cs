using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Server.Endpoints;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// A case's determination in an API response is read once into the model and written by the contract's writer: the
/// response carries the same JSON as when the stored text was parsed and copied, whatever the serializer's escaping.
/// </summary>
public sealed class DeterminationJsonConverterTests
{
    private static readonly PolicyCatalogue Catalogue =
        CatalogueLoader.Load(Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));

    public static TheoryData<string> Samples() => ["cryoablation-prior-auth.json", "cryoablation-rider-on-label.json", "unlisted-microwave-claim.json", "unlisted-without-description.json"];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_GivesWhatTheStoredJsonCopiedGives(string sample)
    {
        var request = RequestReader.Read(CoverageApp.Sample(sample), Catalogue).Request!;
        // Texts a serializer escapes differently from the stored form: quotes, markup, non-ASCII.
        request = request with { RequestId = "R-<1> \"é\" + ü & 'x'" };
        var determination = new Evaluator(Catalogue, new FakeTimeProvider(CoverageApp.Start.AddMilliseconds(7))).Evaluate(request);
        var stored = DeterminationWriter.ToJson(determination, indented: false);
        var converter = new DeterminationJsonConverter();

        foreach (var options in new[] { new JsonSerializerOptions(JsonSerializerDefaults.Web), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true } })
        {
            using var document = JsonDocument.Parse(stored);
            var copied = JsonSerializer.Serialize(document.RootElement, options);
            var withConverter = new JsonSerializerOptions(options);
            withConverter.Converters.Add(converter);
            Assert.Equal(copied, JsonSerializer.Serialize(DeterminationReader.Read(stored), withConverter));
            Assert.Equal(stored, DeterminationWriter.ToJson(JsonSerializer.Deserialize<Determination>(stored, withConverter)!, indented: false));
        }
    }
}
