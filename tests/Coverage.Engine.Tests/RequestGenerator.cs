using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Model;
using FsCheck;
using FsCheck.Fluent;

namespace Coverage.Engine.Tests;

/// <summary>A generated coverage request, as JSON (shown as such when a property fails).</summary>
public sealed record GeneratedRequest(string Json)
{
    public override string ToString() => Json;
}

/// <summary>The arbitraries the property tests draw from: <c>[Property(Arbitrary = [typeof(CoverageArbitraries)])]</c>.</summary>
public static class CoverageArbitraries
{
    public static Arbitrary<GeneratedRequest> Requests() => Arb.From(RequestGenerator.Requests());
}

/// <summary>
/// Random but valid coverage requests: dates of service around every boundary of the spec, any plan of the catalogue,
/// 1–4 lines of listed, unlisted and unrelated codes, descriptions from the synonyms and the awkward cases,
/// malignant, benign or no diagnoses, and clinical facts that are mostly on-label with a few changed or missing.
/// </summary>
public static class RequestGenerator
{
    private static readonly DateOnly First = new(2023, 1, 1);
    private static readonly DateOnly Last = new(2027, 12, 31);

    /// <summary>Every date the spec turns on, and its neighbours.</summary>
    private static readonly DateOnly[] Boundaries =
    [
        .. new[] { "2024-03-15", "2025-04-15", "2025-10-03", "2025-10-15", "2026-01-01", "2026-03-15", "2027-03-15" }
            .Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture))
            .SelectMany(d => new[] { d.AddDays(-1), d, d.AddDays(1) }),
    ];

    private static readonly string[] Codes = ["19499", "19499", "19499", "0581T", "0581T", "0581T", "0581t", "0971T", "0971T", "19120", "0582T"];

    private static readonly string?[] Descriptions =
    [
        null, "", "   ",
        .. TestCatalogue.Catalogue.Policies.SelectMany(p => p.Modalities.Values).SelectMany(m => m.Synonyms),
        "Radio-frequency ablation", "RF-ablation", "US-guided CRYOABLATION, left breast", "MWA of right breast tumour",
        "HIFU", "high-intensity focused ultrasound", "excision of breast lesion", "ablation of breast tumor",
        "cryoablation converted to RFA", "perfrfa", "crfa", "Laser ablation, right breast", "thermal ablation",
    ];

    private static readonly string[] DiagnosisPool =
        ["C50.411", "C50.929", "c50421", "C79.81", "D05.10", "D0590", "D24.1", "D24.2", "C79.89", "Z17.0", "N63.10"];

    private static readonly string[] OtherDiagnoses = ["D24.1", "D24.2", "C79.89", "C79.8", "Z17.0", "N63.10"];

    private static readonly string?[] PlanIds = [null, .. TestCatalogue.Catalogue.Plans.Select(p => p.Id)];

    /// <summary>The on-label value of the clinical facts, as JSON (RequestBuilder's defaults; implantDistanceDocumented is left out).</summary>
    private static readonly Dictionary<string, string> OnLabel = new(StringComparer.Ordinal)
    {
        ["tumorSizeCm"] = "1.2", ["focality"] = "\"unifocal\"", ["histology"] = "\"idc\"",
        ["erStatus"] = "\"positive\"", ["prStatus"] = "\"positive\"", ["her2Status"] = "\"negative\"",
        ["ki67Percent"] = "8", ["genomicRisk"] = "\"low\"", ["nodalStatus"] = "\"N0\"",
        ["extensiveIntraductalComponent"] = "false", ["lymphovascularInvasion"] = "false",
        ["adjuvantEndocrineTherapy"] = "true", ["recurrent"] = "false",
        ["neoadjuvantTherapyIndicated"] = "false", ["inflammatoryFeatures"] = "false",
        ["adequateBreastSize"] = "true", ["breastImplants"] = "false",
    };

    private static readonly string[] FactNames =
        [.. TestCatalogue.Catalogue.Facts.All.Where(f => f.DerivedFrom is null).Select(f => f.Name).Order(StringComparer.Ordinal)];

    public static Gen<GeneratedRequest> Requests() =>
        from dateOfService in DateOfService()
        from birthDate in BirthDate(dateOfService)
        from planId in Gen.Elements(PlanIds)
        from kind in Gen.Elements("prior-authorization", "claim")
        from lines in Lines()
        from diagnoses in Diagnoses()
        from clinical in Clinical()
        select Build(dateOfService, birthDate, planId, kind, lines, diagnoses, clinical);

    private static Gen<DateOnly> DateOfService() => Gen.Frequency(
        (2, Gen.Choose(0, Last.DayNumber - First.DayNumber).Select(First.AddDays)),
        (1, Gen.Elements(Boundaries)));

    private static Gen<DateOnly?> BirthDate(DateOnly dateOfService) => Gen.Frequency(
        (1, Gen.Constant<DateOnly?>(null)),
        (2, Gen.Choose(18 * 365, 100 * 365).Select(days => (DateOnly?)dateOfService.AddDays(-days))),
        (2, Gen.Choose(70 * 365 + 20, 95 * 365).Select(days => (DateOnly?)dateOfService.AddDays(-days))),
        (2, Gen.Choose(-2, 2).Select(days => (DateOnly?)dateOfService.AddYears(-70).AddDays(days))));

    private static Gen<(string Code, string? Description)[]> Lines() =>
        from count in Gen.Choose(1, 4)
        from lines in Gen.ArrayOf(Gen.Elements(Codes).Zip(Gen.Elements(Descriptions)), count)
        select lines;

    private static Gen<string[]> Diagnoses() => Gen.Frequency<string[]>(
        (1, Gen.Constant(Array.Empty<string>())),
        (1, Gen.NonEmptyListOf(Gen.Elements(OtherDiagnoses)).Select(list => list.Take(3).ToArray())),
        (4, Gen.SubListOf(DiagnosisPool).SelectMany(list => Gen.Shuffle(list.ToArray()))));

    /// <summary>Null: no clinical object; otherwise fact name → JSON value (the JSON null included).</summary>
    private static Gen<Dictionary<string, string>?> Clinical() => Gen.Frequency(
        (1, Gen.Constant<Dictionary<string, string>?>(null)),
        (6, MostlyOnLabel().Select(d => (Dictionary<string, string>?)d)),
        (2, Gen.CollectToArray(FactNames, AnyValue).Select(values => (Dictionary<string, string>?)Facts(values))));

    private static Gen<Dictionary<string, string>> MostlyOnLabel() =>
        from changed in Gen.Choose(0, 2)
        from names in Gen.Shuffle(FactNames)
        from values in Gen.CollectToArray(names.Take(changed), AnyValue)
        select Facts([.. names.Skip(changed).Select(n => (n, OnLabel.GetValueOrDefault(n))), .. values]);

    /// <summary>A valid value of the fact, JSON null, or nothing (the fact left out).</summary>
    private static Gen<(string Name, string? Json)> AnyValue(string name)
    {
        var definition = TestCatalogue.Catalogue.Facts.Find(name)!;
        var values = definition.Type switch
        {
            FactType.Boolean => ["true", "false"],
            FactType.Code => [.. definition.Values.Select(v => $"\"{v}\""), .. definition.Values.Select(v => $"\"{v.ToUpperInvariant()}\"")],
            _ => name switch
            {
                "tumorSizeCm" => ["0", "0.8", "1.5", "1.51", "2.5", "30"],
                "ki67Percent" => ["0", "8", "14.9", "15", "20", "100"],
                _ => new[] { definition.Minimum ?? 0, definition.Maximum ?? 1 }.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
            },
        };
        return Gen.Frequency(
            (6, Gen.Elements(values).Select(v => (name, (string?)v))),
            (1, Gen.Constant((name, (string?)"null"))),
            (1, Gen.Constant((name, (string?)null))));
    }

    private static Dictionary<string, string> Facts(IEnumerable<(string Name, string? Json)> values) =>
        values.Where(v => v.Json is not null).ToDictionary(v => v.Name, v => v.Json!, StringComparer.Ordinal);

    private static GeneratedRequest Build(
        DateOnly dateOfService, DateOnly? birthDate, string? planId, string kind,
        (string Code, string? Description)[] lines, string[] diagnoses, Dictionary<string, string>? clinical)
    {
        var member = new JsonObject { ["id"] = "M-P" };
        if (birthDate is { } birth) member["birthDate"] = Date(birth);
        if (planId is not null) member["planId"] = planId;

        var serviceLines = new JsonArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = new JsonObject { ["sequence"] = i + 1, ["code"] = lines[i].Code, ["units"] = 1 };
            if (lines[i].Description is { } description) line["description"] = description;
            serviceLines.Add(line);
        }

        var root = new JsonObject
        {
            ["requestId"] = "P-1",
            ["kind"] = kind,
            ["member"] = member,
            ["dateOfService"] = Date(dateOfService),
            ["diagnoses"] = new JsonArray([.. diagnoses.Select(d => (JsonNode)JsonValue.Create(d))]),
            ["serviceLines"] = serviceLines,
        };
        if (clinical is not null)
        {
            var facts = new JsonObject();
            foreach (var (name, json) in clinical) facts[name] = JsonNode.Parse(json);
            root["clinical"] = facts;
        }
        return new GeneratedRequest(root.ToJsonString());
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
