using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;

namespace Coverage.Fuzz;

/// <summary>
/// PAS <c>$submit</c> and <c>$inquire</c> up to the case store, as <c>FhirEndpoints</c> runs them: the body's JSON checks,
/// the Bundle (or the Parameters carrying it) read, the PAS request and the inquiry read from it, a business error's
/// ClaimResponse written, the request checked against the catalogue and a valid one evaluated. Refusals are values;
/// any exception that escapes is a finding (the server would answer it 500).
/// </summary>
internal static class PasTarget
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static void Run(byte[] input, Evaluator evaluator)
    {
        var catalogue = evaluator.Catalogue;
        if (input.Length == 0 || JsonText.Check(input, 128) is not null) return;
        if (FhirJson.Parse<Resource>(input, out _) is not { } body || PasOperationInput.BundleOf(body, out _) is not { } bundle) return;

        _ = PasInquiry.Read(bundle, out _);
        var pas = PasRequest.Read(bundle, catalogue.Facts, out _);
        if (pas is null) return;
        if (pas.ForAnotherPayer(PayerIdentity.Unnamed) is { } elsewhere) _ = FhirJson.Serialize(PasResponse.Error(pas.Parties, [elsewhere], Now));
        if (pas.BusinessErrors.Count > 0)
        {
            _ = FhirJson.Serialize(PasResponse.Error(pas.Parties, pas.BusinessErrors, Now));
            return;
        }
        if (pas.CancelsAll) return;
        var read = pas.Validate(catalogue);
        if (!read.IsValid)
        {
            _ = FhirJson.Serialize(PasResponse.Error(pas.Parties, pas.BusinessErrorsOf(read), Now));
            return;
        }
        var determination = evaluator.Evaluate(read.Request!);
        _ = DeterminationWriter.ToJson(determination);
    }
}
