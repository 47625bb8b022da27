using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Engine.Tests;

/// <summary>
/// A draft's clinical facts (what CRD and PAS read from FHIR) are held to the rules of the request JSON's "clinical"
/// object: the same facts are accepted, and the same mistakes give the same errors, field for field and word for word.
/// </summary>
public class RequestDraftClinicalTests
{
    // Fixtures/other-shapes has a fact of every type: number, boolean, code, date, list, and derived ones.
    private static readonly Lazy<PolicyCatalogue> Catalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(TestCatalogue.RepositoryRoot, "tests", "Coverage.Engine.Tests", "Fixtures", "other-shapes")));

    public static TheoryData<string, string> Facts() => new()
    {
        { "valid facts of every type", """{"failedConventionalTherapies": 3, "activeInfection": false, "diseaseActivity": "HIGH", "tbTestDate": "2026-01-05", "priorImmunotherapies": ["Methotrexate", "prednisone"]}""" },
        { "a number out of range", """{"failedConventionalTherapies": 21}""" },
        { "a fractional number out of range", """{"failedConventionalTherapies": 20.25}""" },
        { "a large number", """{"failedConventionalTherapies": 1E+20}""" },
        { "an unknown fact", """{"tumourSize": 2}""" },
        { "a derived fact", """{"ageYears": 40}""" },
        { "a code not among the values", """{"diseaseActivity": "severe"}""" },
        { "a list with an unknown value and a repeat", """{"priorImmunotherapies": ["methotrexate", "aspirin", "METHOTREXATE"]}""" },
        { "a value of the wrong kind", """{"activeInfection": "yes", "failedConventionalTherapies": true, "diseaseActivity": 2, "priorImmunotherapies": "methotrexate", "tbTestDate": 5}""" },
    };

    [Theory]
    [MemberData(nameof(Facts))]
    public void Validate_ClinicalFacts_GiveWhatTheRequestJsonGives(string why, string clinical)
    {
        var json = JsonNode.Parse("""{"requestId": "R-1", "member": {"id": "M-1"}, "dateOfService": "2026-03-01", "serviceLines": [{"sequence": 1, "code": "J1745"}]}""")!.AsObject();
        json["clinical"] = JsonNode.Parse(clinical);
        var expected = RequestReader.Read(json.ToJsonString(), Catalogue.Value);

        var draft = new RequestDraft
        {
            RequestId = "R-1",
            MemberId = "M-1",
            DateOfService = "2026-03-01",
            ServiceLines = [new ServiceLineDraft { Sequence = 1, Code = "J1745" }],
            Clinical = json["clinical"]!.AsObject().Select(p => new KeyValuePair<string, FactValue>(p.Key, Value(p.Value!))).ToList(),
        };
        var actual = RequestValidator.Validate(draft, Catalogue.Value);

        Assert.Equal(expected.Errors, actual.Errors);
        Assert.Equal(expected.IsValid, actual.IsValid);
        if (expected.IsValid)
            Assert.Equal(expected.Request!.Clinical.All.Select(f => (f.Key, f.Value.ToString())), actual.Request!.Clinical.All.Select(f => (f.Key, f.Value.ToString())));
        Assert.Equal(why.StartsWith("valid", StringComparison.Ordinal), actual.IsValid);
    }

    /// <summary>A JSON value as an adapter would state it: a number, a boolean, a date or code by its text, a list of codes.</summary>
    private static FactValue Value(JsonNode node) => node switch
    {
        JsonArray list => FactValue.OfList(list.Select(i => i!.GetValue<string>()).ToList()),
        JsonValue value when value.TryGetValue<bool>(out var boolean) => FactValue.Of(boolean),
        JsonValue value when value.TryGetValue<double>(out var number) => FactValue.Of(number),
        JsonValue value when IsoDate.TryParse(value.GetValue<string>(), out var date) => FactValue.OfDate(date),
        JsonValue value => FactValue.OfCode(value.GetValue<string>()),
        _ => throw new ArgumentException("not a fact value", nameof(node)),
    };
}
