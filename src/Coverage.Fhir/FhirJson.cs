using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Fhir;

/// <summary>
/// FHIR R4 JSON through the Firely SDK, strictly: unknown elements and invalid values are errors. Its
/// System.Text.Json deserializer reads UTF-8 directly, and resources are written as UTF-8 the same way: a resource
/// inside a larger JSON document is read from that document's own bytes, and a resource inside a larger answer is
/// written into that answer's writer, with no JSON text in between (docs/benchmarks.md: Firely is the costliest step of
/// a hook call). Writing is <see cref="PocoJsonWriter"/>'s: the bytes Firely's serializer writes, at half its CPU.
/// A resource is read first without Firely's model validation — by <see cref="PocoJsonReader"/> when it reads it exactly
/// as Firely's reader would, else by Firely's — and then checked against the same rules (<see cref="ModelRules"/>); only
/// one that does not meet them all is read again with validation on, so that what is wrong with it is reported by Firely
/// itself, as before. The names Firely's reader gets wrong (an empty one, a resource type in the wrong case) are refused
/// before it reads (<see cref="NamesFirelyMisreads"/>).
/// </summary>
public static class FhirJson
{
    private static readonly DeserializerSettings Validating = new();
    private static readonly FhirJsonDeserializer Deserializer = new(Validating);
    private static readonly FhirJsonDeserializer SyntaxOnly = new(Validating with { Validator = null });

    /// <summary>How the SDK's own ToJson writes (compact, and escaping as it does), so that every path writes the same bytes.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Parses a resource of type <typeparamref name="T"/>, or says what is wrong with it.</summary>
    public static T? Parse<T>(string json, out OperationOutcome? problems) where T : Resource =>
        Parse<T>(System.Text.Encoding.UTF8.GetBytes(json), out problems);

    /// <summary>Parses a resource of type <typeparamref name="T"/> from UTF-8 JSON (a request body as received), or says what is wrong with it.</summary>
    public static T? Parse<T>(ReadOnlySpan<byte> utf8Json, out OperationOutcome? problems) where T : Resource
    {
        problems = null;
        // Every caller has checked the body (JsonText); a reader of any bytes still answers with the problem, not a throw.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            problems = Outcomes.Invalid("Not valid JSON: the text is not valid UTF-8.");
            return null;
        }
        var exact = ReadExactly(utf8Json);
        // What ours hands back Firely's reader reads: the names it gets wrong are refused here first.
        if (exact is null && NamesFirelyMisreads.Find(utf8Json) is { } misread)
        {
            problems = misread;
            return null;
        }
        if (ReadWithoutValidation(utf8Json, exact) is { } read) return Checked(OfType<T>(read, out problems), utf8Json, ref problems);
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            return Checked(OfType<T>(Deserializer.DeserializeResource(ref reader), out problems), utf8Json, ref problems);
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
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException or Hl7.Fhir.Utility.CodedException)
        {
            // Whatever the SDK throws on input it cannot read is the caller's error, not ours.
            problems = Outcomes.Invalid($"Not a FHIR resource: {e.Message}");
            return null;
        }
    }

    /// <summary>The resource read, unless a string of it holds a control character FHIR forbids (<see cref="FhirStrings"/>): then null, naming the element.</summary>
    private static T? Checked<T>(T? resource, ReadOnlySpan<byte> utf8Json, ref OperationOutcome? problems) where T : Resource
    {
        if (resource is null || FhirStrings.Forbidden(utf8Json, resource) is not { } element) return resource;
        problems = Outcomes.Invalid($"{element}: {Coverage.Engine.Validation.ControlCharacters.Message} (FHIR strings hold no character below U+0020 but tab, carriage return and line feed).", element);
        return null;
    }

    /// <summary>The resource read, when it is a <typeparamref name="T"/>; otherwise null, saying what it is instead.</summary>
    private static T? OfType<T>(Resource resource, out OperationOutcome? problems) where T : Resource
    {
        problems = null;
        if (resource is T typed) return typed;
        problems = Outcomes.Invalid($"Expected a {typeof(T).Name}, got a {resource.TypeName}.", typeof(T).Name);
        return null;
    }

    /// <summary>
    /// The resource read without Firely's model validation when it meets every rule that validation applies
    /// (<see cref="ModelRules"/>); otherwise null, and the caller reads it again with validation on.
    /// </summary>
    /// <param name="exact">What <see cref="PocoJsonReader"/> read, if it did.</param>
    private static Resource? ReadWithoutValidation(ReadOnlySpan<byte> utf8Json, Resource? exact)
    {
        try
        {
            var resource = exact ?? ReadSyntaxOnly(utf8Json);
            return ModelRules.AreMet(resource, Validating.NarrativeValidation) ? resource : null;
        }
        catch (Exception)
        {
            // Whatever went wrong, the validating read that follows finds it again and says what it is.
            return null;
        }
    }

    /// <summary><see cref="PocoJsonReader"/>'s read, or null: what it hands back, or anything it throws, goes to Firely's reader.</summary>
    private static Resource? ReadExactly(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return PocoJsonReader.TryRead(utf8Json);
        }
        catch (Exception)
        {
            // Whatever went wrong, Firely's reads that follow find it again and say what it is.
            return null;
        }
    }

    /// <summary>Firely's read without its validator: what <see cref="PocoJsonReader"/> gives back is read this way.</summary>
    private static Resource ReadSyntaxOnly(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        return SyntaxOnly.DeserializeResource(ref reader);
    }

    /// <summary>
    /// Parses a resource of any type from a JSON element of a larger document (CDS Hooks context and prefetch),
    /// straight from the document's UTF-8 bytes of that element.
    /// </summary>
    public static Resource? Parse(JsonElement element, string path, out OperationOutcome? problems)
    {
        problems = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems = Outcomes.Invalid($"{path} must be a FHIR resource (a JSON object).", path);
            return null;
        }
        var resource = Parse<Resource>(JsonMarshal.GetRawUtf8Value(element), out var inner);
        if (resource is null) problems = Outcomes.Invalid(inner!.Issue.Select(i => $"{path}: {i.Diagnostics}"));
        return resource;
    }

    /// <summary>The resource as FHIR JSON text.</summary>
    public static string Serialize(Base resource)
    {
        string? text = null;
        if (PocoJsonWriter.TryUse(resource, WriterOptions, 0, (json, _) => text = System.Text.Encoding.UTF8.GetString(json))) return text!;
        return JsonScratch.ToString(WriterOptions, writer => PocoJsonWriter.WriteWithFirely(resource, writer));
    }

    /// <summary>
    /// Hands the resource's UTF-8 JSON to <paramref name="use"/> from the buffer it was written into (a response body
    /// copied into its pipe as it is, without an array of its own); <paramref name="use"/> must neither keep the span nor
    /// write a resource itself.
    /// </summary>
    public static void SerializeInto<TState>(Base resource, TState state, JsonScratch.Utf8Use<TState> use)
    {
        // Written once, by PocoJsonWriter into its buffer; only what Firely writes goes through a writer of its own.
        if (!PocoJsonWriter.TryUse(resource, WriterOptions, state, use))
            JsonScratch.Use(WriterOptions, writer => PocoJsonWriter.WriteWithFirely(resource, writer), state, use);
    }

    /// <summary>Writes the resource as the next value of <paramref name="writer"/> (e.g. a property of a larger answer).</summary>
    public static void Write(Base resource, Utf8JsonWriter writer) => PocoJsonWriter.Write(resource, writer);
}
