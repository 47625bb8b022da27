using System.Security.Cryptography;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Benchmarks;

/// <summary>
/// The steps of a PAS <c>$submit</c> that do not touch the store, one by one, on the sample request
/// (samples/pas-submit-bundle.json): Firely reading the Bundle, the PAS mapping reading it into a request,
/// the request rules, the evaluator, the canonical request JSON and its hash (what a case keeps), the PAS
/// response built and written (with Firely's own serializer beside it, for comparison). The `pas-pieces` command: CPU time per operation, each step in turns.
/// </summary>
public sealed class PasPieces
{
    private byte[] _body = [];
    private PolicyCatalogue _catalogue = null!;
    private Evaluator _evaluator = null!;
    private Bundle _bundle = null!;
    private PasRequest _pas = null!;
    private CoverageRequest _request = null!;
    private Determination _determination = null!;
    private Bundle _response = null!;
    private static readonly DateTimeOffset Now = FixedTimeProvider.Instant;

    public void Setup()
    {
        _body = File.ReadAllBytes(Path.Combine(Repository.Root, "samples", "pas-submit-bundle.json"));
        _catalogue = Repository.LoadCatalogue();
        _evaluator = new Evaluator(_catalogue, new FixedTimeProvider());
        _bundle = Parse();
        _pas = Read();
        _request = _pas.Validate(_catalogue).Request ?? throw new InvalidOperationException("The sample PAS request does not validate.");
        _determination = _evaluator.Evaluate(_request);
        _response = Respond();
    }

    public Bundle Parse() => FhirJson.Parse<Bundle>(_body, out var problems) ?? throw new InvalidOperationException(problems?.ToString());

    /// <summary>Firely validating while it reads (as FhirJson read before session 15), for comparison in the same run.</summary>
    public Resource ParseValidatingWhileReading()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_body);
        return ValidatingWhileReading.DeserializeResource(ref reader);
    }

    private static readonly FhirJsonDeserializer ValidatingWhileReading = new(new DeserializerSettings());

    /// <summary>Firely's reader without its validator, then the model-rule check (how FhirJson read before session 30), for comparison.</summary>
    public bool ParseWithFirelysReader()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_body);
        return ModelRules.AreMet(FirelyWithoutValidator.DeserializeResource(ref reader), new DeserializerSettings().NarrativeValidation);
    }

    private static readonly FhirJsonDeserializer FirelyWithoutValidator = new(new DeserializerSettings { Validator = null });

    /// <summary>The model-rule check that the parse above runs on the Bundle it read (part of that row, timed alone).</summary>
    public bool CheckModelRules() => ModelRules.AreMet(_bundle, new DeserializerSettings().NarrativeValidation);

    public PasRequest Read() => PasRequest.Read(_bundle, _catalogue.Facts, out var error) ?? throw new InvalidOperationException(error?.ToString());

    public bool Validate() => _pas.Validate(_catalogue).IsValid;

    public int Evaluate() => _evaluator.Evaluate(_request).Lines.Count;

    public int RequestJsonAndHash()
    {
        var json = RequestWriter.ToJson(_request);
        return SHA256.HashData(Encoding.UTF8.GetBytes(json + "\n" + _pas.ExternalKey)).Length;
    }

    public int DeterminationJson() => DeterminationWriter.ToUtf8Json(_determination).Utf8.Length;

    public Bundle Respond() => PasResponse.Build(_pas.Parties,
        PriorAuthorizationCase.Of(Guid.Empty, "final", Now, _determination, []), "urn:ietf:rfc:3986", Now);

    /// <summary>The response written and copied out of the writer's buffer, as the server copies it into the response's pipe.</summary>
    public int WriteResponse()
    {
        FhirJson.SerializeInto(_response, _sink, static (json, sink) =>
        {
            sink.ResetWrittenCount();
            System.Buffers.BuffersExtensions.Write(sink, json);
        });
        return _sink.WrittenCount;
    }

    /// <summary>The response written by Firely's own serializer (as FhirJson wrote it before session 29), for comparison in the same run.</summary>
    public int WriteResponseWithFirely()
    {
        _sink.ResetWrittenCount();
        using var writer = new System.Text.Json.Utf8JsonWriter(_sink, FirelyWriterOptions);
        FirelySerializer.Serialize(_response, writer);
        writer.Flush();
        return _sink.WrittenCount;
    }

    private static readonly BaseFhirJsonSerializer FirelySerializer = new(ModelInfo.ModelInspector);

    private static readonly System.Text.Json.JsonWriterOptions FirelyWriterOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly System.Buffers.ArrayBufferWriter<byte> _sink = new();

    /// <summary>The `pas-pieces` command: each step in turns (<see cref="PieceTimer"/>), CPU time and bytes allocated per operation.</summary>
    public static int Measure(int operations)
    {
        var pieces = new PasPieces();
        pieces.Setup();
        (string Name, Func<object> Run)[] all =
        [
            ("parse the request Bundle", () => pieces.Parse()),
            ("(for comparison: Firely's reader, then the check)", () => pieces.ParseWithFirelysReader()),
            ("(for comparison: validating while reading)", () => pieces.ParseValidatingWhileReading()),
            ("(of the parse: the model-rule check alone)", () => pieces.CheckModelRules()),
            ("PAS mapping: read the request", () => pieces.Read()),
            ("request rules: validate", () => pieces.Validate()),
            ("evaluator: evaluate", () => pieces.Evaluate()),
            ("request JSON + SHA-256 (the case's hash)", () => pieces.RequestJsonAndHash()),
            ("determination JSON (what the case keeps)", () => pieces.DeterminationJson()),
            ("PAS response: build", () => pieces.Respond()),
            ("write the response Bundle", () => pieces.WriteResponse()),
            ("(for comparison: Firely's serializer)", () => pieces.WriteResponseWithFirely()),
        ];
        var measured = PieceTimer.Measure(all, operations);
        for (var p = 0; p < all.Length; p++)
            Console.WriteLine($"pas-pieces: {all[p].Name,-50} {measured[p].Microseconds,8:N1} µs CPU, {measured[p].Bytes,8:N0} B allocated per operation");
        Console.WriteLine($"pas-pieces: total {measured.Where((_, p) => !all[p].Name.StartsWith('(')).Sum(m => m.Microseconds),8:N1} µs CPU per $submit (without HTTP, authentication and the store)");
        return 0;
    }
}
