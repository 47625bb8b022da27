using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;

namespace Coverage.Fuzz;

/// <summary>
/// DTR's operations as <c>DtrEndpoints</c> runs them: the body's checks, the resource read, then
/// <c>$questionnaire-package</c> for a Parameters and <c>$next-question</c> for a QuestionnaireResponse (or Parameters
/// with <c>in</c>). Context ids are case numbers the store resolves, which the fuzzer has not: a call naming one is
/// passed over. Refusals are values; any exception that escapes is a finding (the server would answer it 500).
/// </summary>
internal static class DtrTarget
{
    /// <summary>The server's base in the samples (<c>samples/dtr-next-question.json</c>) and in the seeds made from them.</summary>
    private static readonly DtrCanonicals Canonicals = new("http://127.0.0.1:5080/fhir");

    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static void Run(byte[] input, Evaluator evaluator)
    {
        if (input.Length == 0 || JsonText.Check(input, 128) is not null) return;
        var resource = FhirJson.Parse<Resource>(input, out _);
        if (resource is null) return;
        static Task<PolicyCatalogue?> NoOtherCatalogue(string digest) => System.Threading.Tasks.Task.FromResult<PolicyCatalogue?>(null);

        if (resource is Parameters parameters && !parameters.Parameter.Any(p => p.Name == "in"))
        {
            if (parameters.Parameter.Any(p => p.Name == "context")) return;
            var (output, error, status) = QuestionnairePackage.RunAsync(parameters, evaluator, NoOtherCatalogue, Canonicals, Now, PayerIdentity.Unnamed).GetAwaiter().GetResult();
            Answered(output, error, status);
            return;
        }
        var (response, problem, code) = NextQuestion.RunAsync(resource, evaluator, NoOtherCatalogue, TimeProvider.System, Canonicals).GetAwaiter().GetResult();
        Answered(response, problem, code);
    }

    /// <summary>An answer is a resource the server writes, or a problem with a 4xx status; anything else is a finding.</summary>
    private static void Answered(Resource? output, OperationOutcome? error, int status)
    {
        if (output is not null) _ = FhirJson.Serialize(output);
        else if (error is null || status is < 400 or > 499) throw new InvalidOperationException($"neither an answer nor a refusal: {status}");
    }
}
