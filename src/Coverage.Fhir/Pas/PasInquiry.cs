using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// A PAS inquiry Bundle read for matching, not validated like a submission: items and their dates are optional, any
/// code system is read. It names the member, the provider, the request ids (Claim.identifier), the numbers this
/// payer issued (preAuthRef, administration reference and authorization numbers: REF*NT, REF*BB) and the items asked about.
/// </summary>
public sealed record PasInquiry
{
    public required PasParties Parties { get; init; }
    public string? MemberId { get; init; }
    public required string ProviderKey { get; init; }
    /// <summary>The Claim's identifier values: the provider's request ids (the patient event trace number).</summary>
    public required IReadOnlyList<string> RequestIds { get; init; }
    /// <summary>The Claim's identifiers with their systems: a request id matches only under the system it was submitted with.</summary>
    public required IReadOnlyList<Identifier> Identifiers { get; init; }
    /// <summary>Numbers this payer issued that the inquiry quotes (a case id), from the Claim's and the items' extensions.</summary>
    public required IReadOnlyList<Guid> CaseNumbers { get; init; }
    public required IReadOnlyList<InquiredItem> Items { get; init; }

    /// <summary>Reads an inquiry Bundle; only a Bundle that is no inquiry at all (no Claim first, no Patient, no identifier) is refused.</summary>
    public static PasInquiry? Read(Bundle bundle, out OperationOutcome? error)
    {
        error = null;
        if (bundle.Entry.Count == 0) { error = Outcomes.Invalid("The Bundle has no entries; a PAS inquiry starts with a Claim.", "Bundle.entry"); return null; }
        if (bundle.Entry.Count > PasRequest.MaxEntries) { error = Outcomes.Invalid($"The Bundle has {bundle.Entry.Count} entries; at most {PasRequest.MaxEntries} are accepted.", "Bundle.entry"); return null; }
        if (bundle.Type != Bundle.BundleType.Collection) { error = Outcomes.Invalid(PasRequest.NotACollection, "Bundle.type"); return null; }
        if (bundle.Entry[0].Resource is not Claim claim) { error = Outcomes.Invalid("The first entry of a PAS inquiry Bundle must be the Claim.", "Bundle.entry[0].resource"); return null; }
        if (!claim.Identifier.Any(i => !string.IsNullOrWhiteSpace(i.Value))) { error = Outcomes.Invalid("Claim.identifier: required, it names the request inquired about.", "Claim.identifier"); return null; }
        var patientEntry = PasRequest.Find(bundle, claim.Patient);
        if (patientEntry?.Resource is not Patient patient) { error = Outcomes.Invalid("Claim.patient must reference a Patient in the Bundle.", "Claim.patient"); return null; }

        var coverage = PasRequest.FocalCoverage(bundle, claim);
        var providerEntry = PasRequest.Find(bundle, claim.Provider);
        var numbers = new List<Guid>();
        void Quote(IEnumerable<Extension> extensions)
        {
            foreach (var extension in extensions.Where(e => e.Url is PasSystems.AdministrationReferenceNumber or PasSystems.AuthorizationNumber))
                if (extension.Value is FhirString { Value: { } text } && Guid.TryParse(text, out var number)) numbers.Add(number);
        }
        Quote(claim.Extension);
        foreach (var item in claim.Item) Quote(item.Extension);
        foreach (var related in claim.Related)
            if (related.Reference?.Value is { } quoted && Guid.TryParse(quoted, out var number)) numbers.Add(number);

        return new PasInquiry
        {
            Parties = new PasParties(bundle, claim, patientEntry, PasRequest.Find(bundle, claim.Insurer), providerEntry),
            // The member as a submission names it (PasRequest.Read).
            MemberId = FhirMapping.Member(coverage, patient)?.Value ?? patient.Id,
            ProviderKey = PasRequest.ProviderKeyOf(claim, providerEntry),
            RequestIds = [.. claim.Identifier.Where(i => !string.IsNullOrWhiteSpace(i.Value)).Select(i => i.Value!).Distinct()],
            Identifiers = [.. claim.Identifier.Where(i => !string.IsNullOrWhiteSpace(i.Value))],
            CaseNumbers = [.. numbers.Distinct()],
            Items = [.. claim.Item.Select((item, i) => new InquiredItem(
                item.Sequence ?? i + 1,
                item.ProductOrService?.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Code))?.Code,
                PasRequest.ServiceDate(item.Serviced)))],
        };
    }

    /// <summary>
    /// Whether a case answers this inquiry: the inquiry quotes the case's number, or one of its identifiers is the
    /// request's Claim.identifier (system and value, as stored in <paramref name="externalKey"/>); the same provider; and, when the inquiry lists items, one of them is a line
    /// of the case with the same sequence and code, on the same date when both name one (an inquiry may list only the
    /// item it asks about, or items the case does not have; the answer then gives every line of the case, spec-46). The
    /// member, the organisation and the identifiers were matched by the store.
    /// <paramref name="lines"/>: the case's lines (sequence, code, date), cancelled ones included.
    /// </summary>
    public bool Matches(Guid caseId, string? externalKey, IReadOnlyList<(int Sequence, string Code, DateOnly? Date)> lines) =>
        (CaseNumbers.Contains(caseId) || Identifiers.Any(i => externalKey == PasRequest.ExternalKeyOf(i, ProviderKey)))
        && PasRequest.ProviderOf(externalKey) == ProviderKey
        && (Items.Count == 0 || Items.Any(item => lines.Any(line => line.Sequence == item.Sequence
            && (item.Code is null || string.Equals(line.Code, item.Code, StringComparison.OrdinalIgnoreCase))
            && (item.Date is null || line.Date is null || item.Date == line.Date))));
}

/// <summary>An item an inquiry asks about: its sequence, and its code and date of service when it gives them.</summary>
public sealed record InquiredItem(int Sequence, string? Code, DateOnly? Date);
