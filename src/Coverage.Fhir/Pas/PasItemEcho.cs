using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// What the answer to one Claim item repeats of the item as the provider submitted it, as an X12 278 response repeats
/// the request's service line: its trace numbers (2000F TRN), the date or period it was requested for, a previous
/// authorization number it quoted (REF*BB), the diagnoses it points to, and its service detail (code, modifiers,
/// quantity, unit price). Each is only ever a copy of what the item carried: nothing here is decided, and nothing absent
/// is filled in.
/// The care team members it names are read too: they are who a certification authorizes to perform it.
/// </summary>
public sealed record PasItemEcho
{
    public required int Sequence { get; init; }
    public IReadOnlyList<Identifier> TraceNumbers { get; init; } = [];
    /// <summary>serviced[x] as requested: a date or a period.</summary>
    public DataType? RequestedService { get; init; }
    public string? PreviousAuthorizationNumber { get; init; }
    /// <summary>The Claim.diagnosis codes the item's diagnosisSequence points to, in its order.</summary>
    public IReadOnlyList<CodeableConcept> Diagnoses { get; init; } = [];
    public CodeableConcept? ProductOrService { get; init; }
    public IReadOnlyList<CodeableConcept> Modifiers { get; init; } = [];
    public Quantity? Quantity { get; init; }
    public Money? UnitPrice { get; init; }
    /// <summary>The care team members the item names (careTeamSequence): provider reference, role and qualification as sent.</summary>
    public IReadOnlyList<Claim.CareTeamComponent> CareTeam { get; init; } = [];

    /// <summary>Each item of the Claim as its answer repeats it, by sequence (an item without one is numbered by position, as PasRequest numbers it).</summary>
    public static IReadOnlyDictionary<int, PasItemEcho> Of(Claim claim)
    {
        var echoes = new Dictionary<int, PasItemEcho>();
        for (var i = 0; i < claim.Item.Count; i++)
        {
            var item = claim.Item[i];
            var sequence = item.Sequence ?? i + 1;
            if (echoes.ContainsKey(sequence)) continue;
            echoes[sequence] = new PasItemEcho
            {
                Sequence = sequence,
                TraceNumbers = [.. item.Extension.Where(e => e.Url == PasSystems.ItemTraceNumber).Select(e => e.Value).OfType<Identifier>()],
                RequestedService = item.Serviced,
                PreviousAuthorizationNumber = item.Extension.FirstOrDefault(e => e.Url == PasSystems.AuthorizationNumber)?.Value is FhirString { Value: { Length: > 0 } number } ? number : null,
                Diagnoses = [.. item.DiagnosisSequence.Select(d => claim.Diagnosis.FirstOrDefault(x => x.Sequence == d)?.Diagnosis).OfType<CodeableConcept>()],
                ProductOrService = item.ProductOrService,
                Modifiers = item.Modifier,
                Quantity = item.Quantity,
                UnitPrice = item.UnitPrice,
                CareTeam = [.. item.CareTeamSequence.Select(s => claim.CareTeam.FirstOrDefault(c => c.Sequence == s)).OfType<Claim.CareTeamComponent>()],
            };
        }
        return echoes;
    }
}
