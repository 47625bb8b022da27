using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Fhir;

/// <summary>FHIR R4 JSON through the Firely SDK, strictly: unknown elements and invalid values are errors.</summary>
public static class FhirJson
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    /// <summary>Parses a resource of type <typeparamref name="T"/>, or says what is wrong with it.</summary>
    public static T? Parse<T>(string json, out OperationOutcome? problems) where T : Resource
    {
        problems = null;
        try
        {
            var resource = Deserializer.DeserializeResource(json);
            if (resource is T typed) return typed;
            problems = Outcomes.Invalid($"Expected a {typeof(T).Name}, got a {resource.TypeName}.", typeof(T).Name);
            return null;
        }
        catch (DeserializationFailedException e)
        {
            problems = Outcomes.Invalid(e.Exceptions.Select(x => x.Message).Take(20));
            return null;
        }
        catch (JsonException e)
        {
            problems = Outcomes.Invalid($"Not valid JSON: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
        {
            // Whatever the SDK throws on input it cannot read is the caller's error, not ours.
            problems = Outcomes.Invalid($"Not a FHIR resource: {e.Message}");
            return null;
        }
    }

    /// <summary>Parses a resource of any type from a JSON element of a larger document (CDS Hooks context and prefetch).</summary>
    public static Resource? Parse(JsonElement element, string path, out OperationOutcome? problems)
    {
        problems = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems = Outcomes.Invalid($"{path} must be a FHIR resource (a JSON object).", path);
            return null;
        }
        var resource = Parse<Resource>(element.GetRawText(), out var inner);
        if (resource is null) problems = Outcomes.Invalid(inner!.Issue.Select(i => $"{path}: {i.Diagnostics}"));
        return resource;
    }

    public static string Serialize(Base resource) => resource.ToJson();
}
