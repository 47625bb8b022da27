using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The X12 envelope identifiers of an answer (PAS extension-TransmissionIdentifiers, GS02/GS03 and ISA06/ISA08), when
/// the request gave its own: the answer travels the other way, so the request's receiver (this payer, as the
/// submitter named it) is the answer's sender and the request's sender its receiver. A request without them gets none:
/// this payer has no X12 envelope of its own to name.
/// </summary>
public static class PasTransmission
{
    /// <summary>Each part of the answer's envelope (in the extension's order) and the request's part it is.</summary>
    private static readonly (string From, string To)[] Swapped =
    [
        ("applicationReceiverCode", "applicationSenderCode"),
        ("applicationSenderCode", "applicationReceiverCode"),
        ("interchangeReceiverID", "interchangeSenderID"),
        ("interchangeSenderID", "interchangeReceiverID"),
    ];

    public static void Answer(Claim request, ClaimResponse response)
    {
        if (request.Extension.FirstOrDefault(e => e.Url == PasSystems.TransmissionIdentifiers) is not { } given) return;
        var answer = new Extension { Url = PasSystems.TransmissionIdentifiers };
        foreach (var (from, to) in Swapped)
            if (given.Extension.FirstOrDefault(e => e.Url == from)?.Value is FhirString { Value: { Length: > 0 } } value)
                answer.Extension.Add(new Extension(to, (FhirString)value.DeepCopy()));
        // Both application codes are required (1..1): a request that lacked one gets no half-answered envelope.
        if (answer.Extension.Count(e => e.Url is "applicationSenderCode" or "applicationReceiverCode") == 2) response.Extension.Add(answer);
    }
}
