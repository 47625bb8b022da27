using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Server.Tests.Conformance;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="FhirJson"/> reads a resource without Firely's model validation and checks it afterwards with
/// <see cref="ModelRules"/>; these tests hold that to what Firely's validating read decides, on every resource of the
/// kits' and IGs' payloads and the samples, and on thousands of damaged copies of them: the same resources accepted (read
/// into identical objects), the same refused, with the same errors.
/// </summary>
public sealed class ModelRulesTests
{
    /// <summary>Firely's validating read, as the server read every resource before (the reference).</summary>
    private static readonly FhirJsonDeserializer Validating = new(new DeserializerSettings());

    private static readonly FhirJsonDeserializer SyntaxOnly = new(new DeserializerSettings { Validator = null });

    [Fact]
    public void EveryResourceOfTheKitsIgsAndSamples_MeetsTheRules_WithoutAReadingAgain()
    {
        var accepted = 0;
        foreach (var (source, json) in CorpusResources())
        {
            // A few fixtures are wrong on purpose (the PAS kit's non-conformant Bundle): refused as before.
            if (ValidatingRead(json, out _) is not { } reference)
            {
                AssertSameAsValidatingRead(source, json);
                continue;
            }
            // Accepted by the check itself, not by the validating read that follows a doubt.
            Assert.True(ModelRules.AreMet(SyntaxOnlyRead(json)!, NarrativeValidation), $"{source}: the rules are not met");
            Assert.True(reference.IsExactly(FhirJson.Parse<Resource>(json, out _)!), $"{source}: read differently");
            accepted++;
        }

        Assert.True(accepted > 100, $"only {accepted} resources found");
    }

    [Fact]
    public void DamagedCopiesOfThoseResources_AreAcceptedAndRefusedExactlyAsFirelysValidatingRead()
    {
        var compared = 0;
        var acceptedByTheCheck = 0;
        foreach (var (source, json) in CorpusResources())
            foreach (var (damage, damaged) in Damaged(json, MutationsPerResource))
            {
                AssertSameAsValidatingRead($"{source} with {damage}", damaged);
                compared++;
                if (SyntaxOnlyRead(damaged) is { } read && ModelRules.AreMet(read, NarrativeValidation)) acceptedByTheCheck++;
            }

        Assert.True(compared > 10000, $"only {compared} damaged copies compared");
        // Many damages leave a valid resource (a wrong-cased name, an optional element removed): the check, not the read
        // that follows a doubt, must accept most of those.
        Assert.True(acceptedByTheCheck > compared / 10, $"{acceptedByTheCheck} of {compared} accepted by the check itself");
    }

    public static TheoryData<string, string> CraftedResources => new()
    {
        { "unknown element deep in a Bundle entry", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"A","nickname":"B"}]}}]}""" },
        { "unknown resource type in an entry", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patiento","id":"1"}}]}""" },
        { "mandatory element missing (Bundle.type)", """{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"1"}}]}""" },
        { "mandatory element missing deep (Coverage.beneficiary)", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Coverage","status":"active","payor":[{"display":"P"}]}}]}""" },
        { "malformed date", """{"resourceType":"Patient","birthDate":"1960-02-30"}""" },
        { "malformed dateTime in a choice", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"yesterday"}""" },
        { "code with two spaces", """{"resourceType":"Patient","gender":"fe  male"}""" },
        { "uri with a space", """{"resourceType":"Patient","identifier":[{"system":"http://exa mple.org","value":"1"}]}""" },
        { "empty string", """{"resourceType":"Patient","name":[{"family":""}]}""" },
        { "empty object", """{"resourceType":"Patient","name":[{}]}""" },
        { "empty array", """{"resourceType":"Patient","name":[]}""" },
        { "null in an array", """{"resourceType":"Patient","name":[null]}""" },
        { "a number where a string is", """{"resourceType":"Patient","name":[{"family":12}]}""" },
        { "an array where one value is allowed", """{"resourceType":"Patient","gender":["male"]}""" },
        { "an object where an array is", """{"resourceType":"Patient","name":{"family":"A"}}""" },
        { "a choice type not allowed", """{"resourceType":"Claim","status":"active","type":{"text":"t"},"use":"preauthorization","patient":{"reference":"Patient/1"},"created":"2024-01-01","provider":{"reference":"Organization/1"},"priority":{"text":"p"},"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/1"}}],"item":[{"sequence":1,"productOrService":{"text":"x"},"servicedString":"2024-01-01"}]}""" },
        { "a choice without its type", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"value":"1"}""" },
        { "nested contained resources", """{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","contained":[{"resourceType":"Organization","id":"p"}]}]}""" },
        { "duplicate property", """{"resourceType":"Patient","gender":"male","gender":"female"}""" },
        { "wrong-cased element (Firely's default ignores it)", """{"resourceType":"Patient","birthdate":"1960-01-01"}""" },
        { "no resource type", """{"id":"1"}""" },
        { "primitive extension without a value", """{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://example.org/x","valueString":"unknown"}]}}""" },
        { "primitive extension that is empty", """{"resourceType":"Patient","_birthDate":{}}""" },
        { "extension without its url", """{"resourceType":"Patient","extension":[{"valueString":"x"}]}""" },
        { "element id that is empty", """{"resourceType":"Patient","name":[{"id":"","family":"A"}]}""" },
        { "resource id with a space", """{"resourceType":"Patient","id":"a b"}""" },
        { "narrative that is not XHTML", """{"resourceType":"Patient","text":{"status":"generated","div":"<p>not a div</p>"}}""" },
        { "unknown code of a required binding", """{"resourceType":"Patient","gender":"unknown-gender"}""" },
        { "not JSON", """{"resourceType":"Patient",""" },
        { "a valid Patient", """{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1960-01-01","name":[{"family":"A","given":["B"]}]}""" },
    };

    [Theory]
    [MemberData(nameof(CraftedResources))]
    public void ACraftedResource_IsAcceptedOrRefusedExactlyAsFirelysValidatingRead(string damage, string json) =>
        AssertSameAsValidatingRead(damage, json);

    [Fact]
    public void AValidResource_IsAcceptedByTheCheckItself()
    {
        const string json = """{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1960-01-01","name":[{"family":"A","given":["B"]}],"_birthDate":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}}""";

        Assert.True(ModelRules.AreMet(SyntaxOnlyRead(json)!, NarrativeValidation));
    }

    /// <summary>
    /// An element that holds nothing is not met, as Firely's object check says ("an element cannot be empty"); one that
    /// holds only its id is (a JSON read never makes either: it refuses an empty object itself, so these are built).
    /// </summary>
    [Fact]
    public void AnEmptyElement_IsNotMet_OneWithOnlyItsId_Is()
    {
        var empty = new Patient { Name = [new HumanName()] };
        var onlyId = new Patient { Name = [new HumanName { ElementId = "n1" }] };

        Assert.False(ModelRules.AreMet(empty, NarrativeValidation));
        Assert.True(ModelRules.AreMet(onlyId, NarrativeValidation));
        Assert.NotEmpty(Hl7.Fhir.Validation.FhirAttributeValidator.Default.ValidateObject(empty.Name[0], Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(HumanName))!, Context(empty)));
        Assert.Empty(Hl7.Fhir.Validation.FhirAttributeValidator.Default.ValidateObject(onlyId.Name[0], Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(HumanName))!, Context(onlyId)));
    }

    private static Hl7.Fhir.Validation.PocoValidationContext Context(Resource resource) =>
        new(resource, Hl7.Fhir.Model.ModelInfo.ModelInspector, static () => "", null, null, NarrativeValidation);

    [Fact]
    public void AnUnknownElement_IsNotMet_ThoughTheReadWithoutValidationKeepsIt()
    {
        var read = SyntaxOnlyRead("""{"resourceType":"Patient","name":[{"family":"A","nickname":"B"}]}""");

        Assert.NotNull(read);
        Assert.False(ModelRules.AreMet(read, NarrativeValidation));
    }

    /// <summary>
    /// Places damaged per resource: 15 in every run (about 20,000 copies); set COVERAGE_MODELRULES_PLACES (e.g. 60, about
    /// 85,000 copies, a minute and a half) for a deeper run of the same comparison.
    /// </summary>
    internal static readonly int MutationsPerResource =
        int.TryParse(Environment.GetEnvironmentVariable("COVERAGE_MODELRULES_PLACES"), out var places) && places > 0 ? places : 15;

    internal static readonly Hl7.Fhir.Validation.NarrativeValidationKind NarrativeValidation = new DeserializerSettings().NarrativeValidation;

    /// <summary>FhirJson's answer is Firely's validating read's: accepted as the same objects, or refused with the same errors.</summary>
    private static void AssertSameAsValidatingRead(string what, string json)
    {
        var reference = ValidatingRead(json, out var referenceErrors);
        var parsed = FhirJson.Parse<Resource>(json, out var problems);

        if (reference is null)
        {
            Assert.True(parsed is null, $"{what}: accepted, but Firely's validating read refuses it: {referenceErrors}");
            Assert.True(referenceErrors!.IsExactly(problems!), $"{what}: other errors than Firely's validating read's");
        }
        else
        {
            Assert.True(parsed is not null, $"{what}: refused, but Firely's validating read accepts it: {problems}");
            Assert.True(reference.IsExactly(parsed), $"{what}: read differently");
        }
    }

    /// <summary>
    /// The reference: Firely's validating read, as FhirJson read every resource before; when it refuses, the
    /// OperationOutcome FhirJson made of its errors.
    /// </summary>
    private static Resource? ValidatingRead(string json, out OperationOutcome? errors)
    {
        errors = null;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            return Validating.DeserializeResource(ref reader);
        }
        catch (DeserializationFailedException e)
        {
            errors = Outcomes.Invalid(e.Exceptions.Select(x => x.Message).Take(20));
        }
        catch (JsonException e)
        {
            errors = Outcomes.Invalid($"Not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException or Hl7.Fhir.Utility.CodedException)
        {
            errors = Outcomes.Invalid($"Not a FHIR resource: {e.Message}");
        }
        return null;
    }

    /// <summary>Firely's read without validation (what FhirJson reads first); null where it throws.</summary>
    internal static Resource? SyntaxOnlyRead(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            return SyntaxOnly.DeserializeResource(ref reader);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// Every distinct resource (any JSON object with a <c>resourceType</c>, at any depth: Bundle entries, contained
    /// resources, CDS Hooks context and prefetch) of the conformance fixtures and the samples, named by file and path.
    /// </summary>
    internal static List<(string Source, string Json)> CorpusResources()
    {
        var files = Directory.EnumerateFiles(IgValidator.FixturesFolder, "*.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Coverage.Testing.RepositoryRoot.Path, "samples"), "*.json"))
            .Order(StringComparer.Ordinal);
        var seen = new HashSet<string>();
        var found = new List<(string, string)>();
        foreach (var file in files)
        {
            JsonNode? root;
            try { root = JsonNode.Parse(File.ReadAllText(file)); }
            catch (JsonException) { continue; }
            foreach (var (path, resource) in ResourcesIn(root, "$"))
            {
                var json = resource.ToJsonString();
                if (seen.Add(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))))
                    found.Add(($"{Path.GetRelativePath(Coverage.Testing.RepositoryRoot.Path, file)} {path}", json));
            }
        }
        return found;
    }

    private static IEnumerable<(string Path, JsonObject Resource)> ResourcesIn(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["resourceType"] is JsonValue type && type.GetValueKind() == JsonValueKind.String) yield return (path, o);
                foreach (var (name, child) in o)
                    foreach (var found in ResourcesIn(child, $"{path}.{name}"))
                        yield return found;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var found in ResourcesIn(a[i], $"{path}[{i}]"))
                        yield return found;
                break;
        }
    }

    /// <summary>
    /// Damaged copies of a resource: at up to <paramref name="count"/> places spread through it (the same ones every
    /// run), a property removed, renamed (wrong case, unknown) or doubled into an unknown sibling; a value replaced by one
    /// of another JSON kind, an empty one, a malformed literal; an array emptied, given a null, or unwrapped; an object
    /// emptied.
    /// </summary>
    internal static IEnumerable<(string Damage, string Json)> Damaged(string json, int count)
    {
        var places = Places(JsonNode.Parse(json)!);
        var step = Math.Max(1, places.Count / count);
        for (var p = 0; p < places.Count; p += step)
        {
            var (path, kind) = places[p];
            foreach (var (damage, change) in Damages(kind))
            {
                var copy = JsonNode.Parse(json)!;
                if (Apply(copy, path, change)) yield return ($"{path}: {damage}", copy.ToJsonString());
            }
        }
    }

    private enum Kind { Object, Array, String, Number, Boolean }

    private static List<(List<object> Path, Kind Kind)> Places(JsonNode node)
    {
        var results = new List<(List<object>, Kind)>();
        void Walk(JsonNode? n, List<object> path)
        {
            switch (n)
            {
                case JsonObject o:
                    results.Add((path, Kind.Object));
                    foreach (var (name, child) in o) Walk(child, [.. path, name]);
                    break;
                case JsonArray a:
                    results.Add((path, Kind.Array));
                    for (var i = 0; i < a.Count; i++) Walk(a[i], [.. path, i]);
                    break;
                case JsonValue v:
                    results.Add((path, v.GetValueKind() switch
                    {
                        JsonValueKind.String => Kind.String,
                        JsonValueKind.Number => Kind.Number,
                        _ => Kind.Boolean,
                    }));
                    break;
            }
        }
        Walk(node, []);
        return results;
    }

    /// <summary>A change of the node at a path, given its parent and its name or index there.</summary>
    private delegate void Change(JsonNode parent, object key);

    private static IEnumerable<(string, Change)> Damages(Kind kind)
    {
        yield return ("removed", (parent, key) => Remove(parent, key));
        yield return ("renamed with a capital", (parent, key) => Rename(parent, key, name => char.ToUpperInvariant(name[0]) + name[1..]));
        yield return ("renamed to an unknown element", (parent, key) => Rename(parent, key, name => name + "Unknown"));
        yield return ("given an unknown sibling", (parent, key) => { if (parent is JsonObject o) o["zzUnknown"] = "x"; });
        yield return ("replaced by null", (parent, key) => Set(parent, key, null));
        switch (kind)
        {
            case Kind.Object:
                yield return ("emptied", (parent, key) => Set(parent, key, new JsonObject()));
                yield return ("replaced by a string", (parent, key) => Set(parent, key, JsonValue.Create("x")));
                yield return ("wrapped in an array", (parent, key) => Set(parent, key, new JsonArray(Get(parent, key)!.DeepClone())));
                break;
            case Kind.Array:
                yield return ("emptied", (parent, key) => Set(parent, key, new JsonArray()));
                yield return ("given a null", (parent, key) => ((JsonArray)Get(parent, key)!).Add(null));
                yield return ("unwrapped", (parent, key) => { if (Get(parent, key) is JsonArray { Count: > 0 } a) Set(parent, key, a[0]!.DeepClone()); });
                yield return ("its first item doubled", (parent, key) => { if (Get(parent, key) is JsonArray { Count: > 0 } a) a.Add(a[0]!.DeepClone()); });
                break;
            case Kind.String:
                yield return ("made empty", (parent, key) => Set(parent, key, JsonValue.Create("")));
                yield return ("given two spaces", (parent, key) => Set(parent, key, JsonValue.Create("a  b")));
                yield return ("given a leading space", (parent, key) => Set(parent, key, JsonValue.Create(" " + Get(parent, key)!.GetValue<string>())));
                yield return ("made a malformed date", (parent, key) => Set(parent, key, JsonValue.Create("2024-02-30")));
                yield return ("made a number", (parent, key) => Set(parent, key, JsonValue.Create(12)));
                yield return ("made a boolean", (parent, key) => Set(parent, key, JsonValue.Create(true)));
                yield return ("made an object", (parent, key) => Set(parent, key, new JsonObject { ["value"] = "x" }));
                yield return ("wrapped in an array", (parent, key) => Set(parent, key, new JsonArray(JsonValue.Create(Get(parent, key)!.GetValue<string>()))));
                break;
            case Kind.Number:
                yield return ("made a string", (parent, key) => Set(parent, key, JsonValue.Create("1")));
                yield return ("made negative", (parent, key) => Set(parent, key, JsonValue.Create(-1)));
                yield return ("made a fraction", (parent, key) => Set(parent, key, JsonValue.Create(1.5)));
                yield return ("made huge", (parent, key) => Set(parent, key, JsonNode.Parse("123456789012345678901234567890")));
                break;
            case Kind.Boolean:
                yield return ("made a string", (parent, key) => Set(parent, key, JsonValue.Create("true")));
                yield return ("made a number", (parent, key) => Set(parent, key, JsonValue.Create(1)));
                break;
        }
    }

    private static bool Apply(JsonNode root, List<object> path, Change change)
    {
        if (path.Count == 0) return false;
        var parent = root;
        foreach (var step in path[..^1]) parent = step is string name ? parent[name]! : parent[(int)step]!;
        var before = root.ToJsonString();
        change(parent, path[^1]);
        return root.ToJsonString() != before;
    }

    private static JsonNode? Get(JsonNode parent, object key) => key is string name ? parent[name] : parent[(int)key];

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is string name) parent[name] = value;
        else parent[(int)key] = value;
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (parent is JsonObject o) o.Remove((string)key);
        else ((JsonArray)parent).RemoveAt((int)key);
    }

    private static void Rename(JsonNode parent, object key, Func<string, string> rename)
    {
        if (parent is not JsonObject o || key is not string name) return;
        var value = o[name];
        o.Remove(name);
        o[rename(name)] = value;
    }
}
