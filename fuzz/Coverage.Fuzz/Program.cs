using Coverage.Claims.X12;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Fuzz;
using SharpFuzz;

// One target per parser that takes outside input. Expected refusals (input errors) are values, not
// exceptions: any exception that escapes is a finding, and AFL++ keeps the input that caused it.
var target = args.Length > 0 ? args[0] : "request";
var catalogueRoot = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "catalogue");
// Loaded on the first input: the engine is instrumented, and instrumented code may run only inside
// the fuzzing loop, once AFL++'s shared memory is attached.
PolicyCatalogue? catalogue = null;
Evaluator? evaluator = null;

switch (target)
{
    case "request":
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            catalogue ??= CatalogueLoader.Load(catalogueRoot);
            var read = RequestReader.Read(buffer.ToArray(), catalogue);
            if (read.IsValid)
            {
                // A request the reader accepts must evaluate and serialise.
                evaluator ??= new Evaluator(catalogue, TimeProvider.System);
                var determination = evaluator.Evaluate(read.Request!);
                _ = DeterminationWriter.ToJson(determination);
                _ = RequestWriter.ToJson(read.Request!);
            }
        });
        break;
    case "x12":
        Fuzzer.Run(stream =>
        {
            // The 837P reader streams any text: every record it yields is a claim or a rejected record, and the
            // claims go on to the engine's request rules (and their errors to the segments they came from).
            catalogue ??= CatalogueLoader.Load(catalogueRoot);
            using var text = new StreamReader(stream, System.Text.Encoding.UTF8);
            foreach (var record in new Claim837Reader(text).Read())
                _ = record.Validate(catalogue);
        });
        break;
    case "fhir":
        Fuzzer.Run(stream => FhirReadTarget.Run(Bytes(stream)));
        break;
    case "pas":
        Fuzzer.Run(stream => PasTarget.Run(Bytes(stream), LoadedEvaluator()));
        break;
    case "hook":
        Fuzzer.Run(stream => HookTarget.Run(Bytes(stream), LoadedEvaluator()));
        break;
    case "dtr":
        Fuzzer.Run(stream => DtrTarget.Run(Bytes(stream), LoadedEvaluator()));
        break;
    default:
        Console.Error.WriteLine($"coverage-fuzz: unknown target '{target}' (request, x12, fhir, pas, hook, dtr)");
        Environment.Exit(2);
        break;
}

static byte[] Bytes(Stream stream)
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    return buffer.ToArray();
}

// The evaluator of the catalogue, loaded on the first input (see above).
Evaluator LoadedEvaluator()
{
    catalogue ??= CatalogueLoader.Load(catalogueRoot);
    return evaluator ??= new Evaluator(catalogue, TimeProvider.System);
}
