using System.Text.Json.Nodes;

namespace Coverage.Server.Tests.Conformance.MustSupport;

/// <summary>
/// The PAS kit's must-support group for responses (pas_server_v221_must_support), read from its own element lists
/// (pas-v221-response-must-support.json: each response test's elements, extension URLs and slice discriminators) and
/// judged as the kit judges them (cross_suite/must_support/must_support_data_gathering.rb): every response of the
/// operation is taken, an $inquire Parameters for the Bundles it returns, and each Bundle with every entry's resource;
/// an element is observed when one resource of the test's type has a value there. An extension slice is found by its
/// URL, another slice by its discriminator (an identifier system, a coding in a CodeableConcept, a choice type, an
/// entry's resource type), a choice element [x] under any of its type names.
/// </summary>
public sealed class KitMustSupport
{
    public sealed record KitTest(string Test, string Operation, string ResourceType, IReadOnlyList<string> Elements,
        IReadOnlyDictionary<string, string> Extensions, IReadOnlyDictionary<string, JsonObject> Slices);

    public IReadOnlyList<KitTest> Tests { get; }

    private KitMustSupport(IReadOnlyList<KitTest> tests) => Tests = tests;

    public static KitMustSupport Load()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "pas-v221-response-must-support.json")))!;
        return new KitMustSupport([.. document["tests"]!.AsArray().Select(t => new KitTest(
            (string)t!["test"]!, (string)t["operation"]!, (string)t["resourceType"]!,
            [.. t["elements"]!.AsArray().Select(e => (string)e!)],
            t["extensions"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!),
            t["slices"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsObject())))]);
    }

    public static string Folder => Path.Combine(Coverage.Testing.RepositoryRoot.Path, "tests", "Coverage.Server.Tests", "Conformance", "MustSupport");

    /// <summary>The resources the kit looks at in one response body: a Bundle and its entries' resources; for a Parameters, each returned Bundle's.</summary>
    public static IEnumerable<JsonObject> Gathered(JsonObject body)
    {
        var bundles = (string?)body["resourceType"] switch
        {
            "Parameters" => body["parameter"]?.AsArray().Select(p => p?["resource"] as JsonObject).Where(r => (string?)r?["resourceType"] == "Bundle").Select(r => r!) ?? [],
            "Bundle" => [body],
            _ => [],
        };
        foreach (var bundle in bundles)
        {
            yield return bundle;
            foreach (var entry in bundle["entry"]?.AsArray() ?? [])
                if (entry?["resource"] is JsonObject resource) yield return resource;
        }
    }

    /// <summary>The elements of a test no resource of its type shows, among the resources gathered from its operation's responses.</summary>
    public static IReadOnlyList<string> Missing(KitTest test, IEnumerable<JsonObject> gathered)
    {
        var resources = gathered.Where(r => (string?)r["resourceType"] == test.ResourceType).ToList();
        if (resources.Count == 0) return test.Elements;
        return [.. test.Elements.Where(element => !resources.Any(r => Values(test, r, element).Any()))];
    }

    /// <summary>Whether an element has a value in one resource (an element path of the kit's list).</summary>
    public static bool Has(KitTest test, JsonObject resource, string element) => Values(test, resource, element).Any();

    private static IEnumerable<JsonNode> Values(KitTest test, JsonObject resource, string element)
    {
        var segments = element.Split('.');
        IEnumerable<JsonNode> current = [resource];
        var path = segments[0];
        foreach (var segment in segments.Skip(1))
        {
            path += "." + segment;
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? segment : segment[..colon];
            current = [.. current.SelectMany(node => Children(node, name))];
            if (colon < 0) continue;
            var slice = segment[(colon + 1)..];
            if (test.Extensions.TryGetValue(path, out var url))
                current = [.. current.Where(n => (string?)n["url"] == url)];
            else if (test.Slices.TryGetValue(path, out var discriminator))
                current = [.. current.Where(n => InSlice(n, slice, discriminator))];
            else
                throw new InvalidOperationException($"{element}: the kit's list names no extension or slice {path}");
        }
        return current;
    }

    /// <summary>The values of a property (arrays flattened); a choice element [x] under any of its types' names.</summary>
    private static IEnumerable<JsonNode> Children(JsonNode node, string name)
    {
        if (node is not JsonObject parent) yield break;
        IEnumerable<KeyValuePair<string, JsonNode?>> properties = name.EndsWith("[x]", StringComparison.Ordinal)
            ? parent.Where(p => p.Key.StartsWith(name[..^3], StringComparison.Ordinal) && p.Key.Length > name.Length - 3 && char.IsUpper(p.Key[name.Length - 3]))
            : parent.Where(p => p.Key == name);
        foreach (var (_, value) in properties)
        {
            if (value is JsonArray array) { foreach (var item in array) if (item is not null) yield return item; }
            else if (value is not null) yield return value;
        }
    }

    private static bool InSlice(JsonNode node, string slice, JsonObject discriminator) => (string?)discriminator["type"] switch
    {
        "patternIdentifier" => (string?)node["system"] == (string?)discriminator["system"],
        "patternCodeableConcept" => node[(string)discriminator["path"]!]?["coding"]?.AsArray()
            .Any(c => (string?)c?["system"] == (string?)discriminator["system"] && (string?)c?["code"] == (string?)discriminator["code"]) == true,
        // A choice type's slice (multipleBirth[x]:multipleBirthInteger): Children kept the value, not its name; a
        // Bundle entry's slice: the type of its resource.
        "type" when discriminator["path"] is null => node.GetValueKind() == System.Text.Json.JsonValueKind.Number,
        "type" => (string?)node[(string)discriminator["path"]!]?["resourceType"] == (string?)discriminator["code"],
        _ => throw new InvalidOperationException($"slice {slice}: discriminator {discriminator.ToJsonString()} is not one this reader knows"),
    };
}
