using System.Globalization;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using RequestPriority = Coverage.Engine.Model.RequestPriority;

namespace Coverage.Fhir.Pas;

/// <summary>A PAS request Bundle read: the Claim, the resources it refers to, and the coverage request it maps to.</summary>
public sealed record PasRequest
{
    public required Bundle Bundle { get; init; }
    public required Claim Claim { get; init; }
    public required Bundle.EntryComponent PatientEntry { get; init; }
    public Bundle.EntryComponent? InsurerEntry { get; init; }
    public Bundle.EntryComponent? ProviderEntry { get; init; }
    /// <summary>The Coverage the request is decided under (<see cref="FocalCoverage"/>), when the Bundle holds it.</summary>
    public Hl7.Fhir.Model.Coverage? Coverage { get; init; }
    public required string RequestId { get; init; }
    public string? MemberId { get; init; }
    /// <summary>The element <see cref="MemberId"/> was read from (<see cref="FhirMapping.Member"/>); with none, the one PAS requires.</summary>
    public string MemberElement { get; init; } = "Coverage.identifier:memberid";
    /// <summary>
    /// How the provider's system names this request: Claim.identifier (system and value) and the provider's
    /// identifier. A submission and its inquiry must agree on all of it; the value alone is not enough.
    /// </summary>
    public required string ExternalKey { get; init; }
    /// <summary>The coverage request as the Claim states it, for the request validator (<see cref="Validate"/>) and the evaluator.</summary>
    public required RequestDraft Draft { get; init; }
    /// <summary>Where each clinical fact of the request was read (Claim.supportingInfo[i]…, Bundle.entry[j].resource…).</summary>
    public IReadOnlyDictionary<string, string> FactPaths { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// The answers of each DTR QuestionnaireResponse the Claim's supportingInfo carries, as the information document the
    /// REST endpoint keeps for one (<see cref="QuestionnaireAnswers.ToInformation"/>: values, origins, questions,
    /// questionnaire): the case keeps them in its information history, so reviewers see where each answer came from
    /// whichever way it arrived. The values are also in <see cref="Draft"/>, read by the same reader.
    /// </summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> QuestionnaireAnswers { get; init; } = [];
    /// <summary>
    /// What keeps the payer from acting on a well-formed request (an item not coded as a procedure, no date of
    /// service): answered with a ClaimResponse of outcome error (<see cref="PasResponse.Error"/>), not a 4xx.
    /// </summary>
    public IReadOnlyList<PasError> BusinessErrors { get; init; } = [];
    /// <summary>
    /// For a Claim update (Claim.related to a prior Claim, or items marked infoChanged, or a cancellation): the request
    /// id of the request it updates (the prior Claim's identifier, else its own); null for a new request.
    /// </summary>
    public string? Updates { get; init; }
    /// <summary>The identifier system the update names the request it updates with, when it names one (see <see cref="UpdatesCase"/>).</summary>
    public string? UpdatesSystem { get; init; }
    /// <summary>Items the update cancels (X12 1322 certificationType 3 on the item), by sequence and code.</summary>
    public IReadOnlyList<(int Sequence, string Code)> CancelledItems { get; init; } = [];
    /// <summary>The update cancels the whole request (certificationType 3 on the Claim, or on every item).</summary>
    public bool CancelsAll { get; init; }
    /// <summary>How the provider is named (its identifier system|value), as an inquiry must name it again.</summary>
    public required string ProviderKey { get; init; }
    /// <summary>
    /// The update contests the prior request's denial (X12 1322 certificationType 1, appeal – immediate, or 2, appeal –
    /// standard, on the Claim): the urgency of the appeal it files; null when it is no appeal.
    /// </summary>
    public RequestPriority? AppealPriority { get; init; }

    /// <summary>The request Bundle, its Claim and the parties the answer repeats.</summary>
    public PasParties Parties => new(Bundle, Claim, PatientEntry, InsurerEntry, ProviderEntry);

    /// <summary>A prior authorization request with its references is a few dozen resources; far more is refused.</summary>
    public const int MaxEntries = 500;

    /// <summary>
    /// Maps a PAS request Bundle (Claim with use = preauthorization first, then what it references)
    /// to the coverage request; returns the OperationOutcome that says what is wrong otherwise.
    /// Clinical facts come from Claim.supportingInfo and the Observations it references (<see cref="ClinicalFactReader"/>),
    /// named as the catalogue's <paramref name="facts"/> bind them.
    /// </summary>
    public static PasRequest? Read(Bundle bundle, FactDefinitions facts, out OperationOutcome? error)
    {
        error = null;
        static OperationOutcome Fail(string message, string expression) => Outcomes.Invalid(message, expression);

        if (bundle.Entry.Count == 0) { error = Fail("The Bundle has no entries; a PAS request starts with a Claim.", "Bundle.entry"); return null; }
        if (bundle.Entry.Count > MaxEntries) { error = Fail($"The Bundle has {bundle.Entry.Count} entries; at most {MaxEntries} are accepted.", "Bundle.entry"); return null; }
        if (bundle.Type != Bundle.BundleType.Collection) { error = Fail(NotACollection, "Bundle.type"); return null; }
        if (bundle.Entry[0].Resource is not Claim claim) { error = Fail("The first entry of a PAS request Bundle must be the Claim.", "Bundle.entry[0].resource"); return null; }
        if (claim.Use != ClaimUseCode.Preauthorization) { error = Fail("Claim.use must be 'preauthorization' for a prior authorization request.", "Claim.use"); return null; }
        // PAS profile-claim-base fixes Claim.status to 'active', for updates and cancellations too: a request is cancelled
        // with certificationType 3 (docs/crd-pas.md), never by a Claim that is itself cancelled, a draft or in error.
        if (claim.Status != FinancialResourceStatusCodes.Active)
        {
            error = Fail($"Claim.status is '{claim.Status?.GetLiteral()}': a PAS request Claim is 'active' (profile-claim fixes it, for updates and cancellations too; cancel a request or an item with certificationType 3).", "Claim.status");
            return null;
        }
        if (PasModifierExtensions.Unknown(bundle) is { } modifier) { error = Fail(modifier.Message, modifier.Expression); return null; }
        var identifier = claim.Identifier.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Value));
        if (identifier is null) { error = Fail("Claim.identifier: required, it identifies the request for resubmission and inquiry.", "Claim.identifier"); return null; }
        var patientEntry = Find(bundle, claim.Patient);
        if (patientEntry?.Resource is not Patient patient) { error = Fail("Claim.patient must reference a Patient in the Bundle.", "Claim.patient"); return null; }
        if (claim.Item.Count == 0) { error = Fail("Claim.item: at least one item is required.", "Claim.item"); return null; }
        if (DanglingItemPointer(claim) is { } dangling) { error = Fail(dangling.Message, dangling.Expression); return null; }
        if (NotAFullDate(claim, patient) is { } partial) { error = Fail(partial.Message, partial.Expression); return null; }
        if (ReversedPeriod(claim) is { } reversed) { error = Fail(reversed.Message, reversed.Expression); return null; }

        // PAS profile-claim: insurance 1..*, each naming its Coverage (profile-coverage). A Coverage the Bundle does not
        // carry cannot be read: the plan would be a guess (the default plan), so it is refused as Claim.patient is.
        if (claim.Insurance.Count == 0)
        {
            error = Fail("Claim.insurance: required; a PAS request names the Coverage it is to be decided under (profile-claim: 1..*).", "Claim.insurance");
            return null;
        }
        for (var i = 0; i < claim.Insurance.Count; i++)
            if (Find(bundle, claim.Insurance[i].Coverage)?.Resource is not Hl7.Fhir.Model.Coverage)
            {
                error = Fail($"Claim.insurance[{i}].coverage must reference a Coverage in the Bundle.", $"Claim.insurance[{i}].coverage");
                return null;
            }

        if (claim.Insurance.Count(i => i.Focal == true) > 1)
        {
            error = Fail("Claim.insurance: more than one insurance is focal; exactly one Coverage is to be used for this request.", "Claim.insurance");
            return null;
        }
        var coverage = FocalCoverage(bundle, claim);
        // PAS's Coverage profile fixes status 'active': a request under a cancelled (draft, entered-in-error) Coverage
        // is the provider's own statement that there is no coverage to decide under.
        if (coverage?.Status is { } status && status != FinancialResourceStatusCodes.Active)
        {
            error = Fail($"Coverage.status is '{status.GetLiteral()}': a prior authorization request is made under an active Coverage (PAS profile-coverage fixes status 'active').", "Coverage.status");
            return null;
        }
        // The Coverage must be the patient's: one whose beneficiary is another Patient of the Bundle would answer this
        // patient's request with another member's plan (docs/decisions.md "CRD: one patient per call").
        if (coverage is not null && Find(bundle, coverage.Beneficiary) is { Resource: Patient beneficiary } && !ReferenceEquals(beneficiary, patient))
        {
            error = Fail("Coverage.beneficiary names another Patient than Claim.patient: the request's Coverage must be the patient's.", "Coverage.beneficiary");
            return null;
        }
        if (coverage is not null && FhirMapping.TwoPlans(coverage) is { } twoPlans)
        {
            error = Fail($"Coverage.class: {twoPlans}.", "Coverage.class");
            return null;
        }
        var planId = coverage is null ? null : FhirMapping.PlanId(coverage);
        var member = FhirMapping.Member(coverage, patient) ?? (patient.Id is { } patientId ? new MemberNumbered(patientId, "Patient.id") : null);
        var memberId = member?.Value;

        var diagnoses = new List<string?>();
        for (var i = 0; i < claim.Diagnosis.Count; i++)
        {
            var concept = claim.Diagnosis[i].Diagnosis switch
            {
                CodeableConcept c => c,
                ResourceReference r => (Find(bundle, r)?.Resource as Condition)?.Code,
                _ => null,
            };
            foreach (var coding in concept?.Coding.Where(c => c.System == FhirSystems.Icd10Cm) ?? [])
                diagnoses.Add(coding.Code);
        }

        var reader = new ClinicalFactReader(facts);
        // A supportingInfo flagged infoCancelled is "no longer to be used when evaluating the request" (PAS prof-8): not read.
        for (var i = 0; i < claim.SupportingInfo.Count; i++)
            if (!PasModifierExtensions.IsInfoCancelled(claim.SupportingInfo[i]))
                reader.ReadSupportingInfo(claim.SupportingInfo[i], $"Claim.supportingInfo[{i}]", reference => Locate(bundle, claim, reference));
        if (reader.Problems.Count > 0)
        {
            error = Outcomes.Invalid(reader.Problems.Select(p => (p.Message, (string?)p.Expression)));
            return null;
        }
        var clinical = reader.Facts();
        var answers = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < claim.SupportingInfo.Count; i++)
        {
            if (PasModifierExtensions.IsInfoCancelled(claim.SupportingInfo[i]) || claim.SupportingInfo[i].Value is not ResourceReference cited || Locate(bundle, claim, cited) is not { Resource: QuestionnaireResponse response } located) continue;
            var information = Dtr.QuestionnaireAnswers.ToInformation(response, facts, located.Path, out var answerProblems);
            if (answerProblems.Count > 0)
            {
                // An answer that cannot be read exactly (a birth date, a diagnosis) is refused, as a fact's is above.
                error = Outcomes.Invalid(answerProblems.Select(p => (p.Message, (string?)p.Expression)));
                return null;
            }
            if (information is not { Count: > 0 }) continue;
            answers.Add(information);
            // The diagnoses the provider gave in the questionnaire are the request's, as Claim.diagnosis's are.
            if (information["diagnoses"] is System.Text.Json.Nodes.JsonArray given)
                foreach (var code in given.Select(c => c?.GetValue<string>()))
                    if (code is not null && !diagnoses.Any(d => d is not null && CodeFormats.NormaliseIcd10(d) == CodeFormats.NormaliseIcd10(code))) diagnoses.Add(code);
        }

        var lines = new List<ServiceLineDraft>(claim.Item.Count);
        var businessErrors = new List<PasError>();
        var cancelled = new List<(int, string)>();
        var cancelsAll = IsCancel(claim.Extension);
        DateOnly? earliest = null;
        var partialDates = false;
        for (var i = 0; i < claim.Item.Count; i++)
        {
            var item = claim.Item[i];
            var sequence = item.Sequence ?? i + 1;
            var procedures = item.ProductOrService?.Coding.Where(c => FhirSystems.IsProcedureSystem(c.System) && !string.IsNullOrWhiteSpace(c.Code)).ToList() ?? [];
            var coding = procedures.FirstOrDefault();
            if (coding?.Code is null)
            {
                businessErrors.Add(new PasError(PasError.InvalidOrMissingProcedure, $"Claim.item[{i}].productOrService",
                    $"Item {sequence}: a CPT or HCPCS procedure code is required (system {FhirSystems.Cpt} or {FhirSystems.Hcpcs}); a service type category cannot be decided.", sequence));
                continue;
            }
            // A line is one service: two different procedure codes leave which one to decide to a guess.
            if (procedures.Select(c => c.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
            {
                businessErrors.Add(new PasError(PasError.InvalidOrMissingProcedure, $"Claim.item[{i}].productOrService",
                    $"Item {sequence}: more than one procedure code ({InputEcho.Truncate(string.Join(", ", procedures.Select(c => c.Code)))}); an item is one service, coded once (send one item per service).", sequence));
                continue;
            }
            // PAS spec-70: an item taken out of the request (infoCancelled true) is cancelled with certificationType 3.
            if (PasModifierExtensions.IsInfoCancelled(item) && !cancelsAll && !IsCancel(item.Extension))
            {
                error = Fail($"Claim.item[{i}].modifierExtension: the item is flagged infoCancelled but not cancelled; an item no longer requested also carries certificationType 3 (PAS spec-70).", $"Claim.item[{i}].modifierExtension");
                return null;
            }
            if (cancelsAll || IsCancel(item.Extension))
            {
                // A cancelled item is not evaluated again; the case keeps its result as cancelled.
                cancelled.Add((sequence, coding.Code));
                continue;
            }
            var date = ServiceDate(item.Serviced);
            if (date is { } day && (earliest is null || day < earliest)) earliest = day;
            lines.Add(new ServiceLineDraft
            {
                Sequence = sequence,
                Code = coding.Code,
                // As given: the request rules refuse what is not a number of units (0, negative, too many), never a guess.
                Units = item.Quantity?.Value ?? 1,
                Description = string.IsNullOrWhiteSpace(item.ProductOrService!.Text) ? null : item.ProductOrService.Text,
                DateOfService = date is { } lineDate ? IsoDate.ToString(lineDate) : null,
            });
        }
        if (earliest is null && claim.BillablePeriod?.Start is { } billable)
        {
            if (FhirMapping.DayOf(billable) is { } billableStart) earliest = billableStart;
            else if (lines.Count > 0)
            {
                partialDates = true;
                businessErrors.Add(new PasError(PasError.InvalidOrMissingDateOfService, "Claim.billablePeriod.start",
                    $"Claim.billablePeriod.start: '{InputEcho.Truncate(billable)}' is not a day; a date of service is a full date (YYYY-MM-DD)."));
            }
        }
        var updates = UpdatedRequest(bundle, claim, identifier);
        cancelsAll = cancelsAll || (updates is not null && lines.Count == 0 && cancelled.Count > 0 && businessErrors.Count == 0);
        if (earliest is null && lines.Count > 0 && !partialDates)
            businessErrors.Add(new PasError(PasError.InvalidOrMissingDateOfService, "Claim.item.serviced[x]",
                "No date of service: give Claim.item.servicedDate (or servicedPeriod) or Claim.billablePeriod."));

        var draft = new RequestDraft
        {
            RequestId = identifier.Value!,
            Kind = RequestKind.PriorAuthorization,
            Priority = claim.Priority?.Coding.FirstOrDefault()?.Code is "stat" or "urgent" ? RequestPriority.Expedited : RequestPriority.Standard,
            MemberId = memberId,
            BirthDate = patient.BirthDate is { Length: 10 } birth ? birth : null,
            PlanId = planId,
            DateOfService = earliest is { } first ? IsoDate.ToString(first) : null,
            Diagnoses = diagnoses,
            ServiceLines = lines,
            Clinical = clinical,
        };

        var providerEntry = Find(bundle, claim.Provider);
        var providerKey = ProviderKeyOf(claim, providerEntry);
        return new PasRequest
        {
            ExternalKey = ExternalKeyOf(identifier, providerKey),
            ProviderKey = providerKey,
            BusinessErrors = businessErrors,
            Updates = updates?.Value,
            UpdatesSystem = string.IsNullOrEmpty(updates?.System) ? null : updates.System,
            CancelledItems = cancelled,
            CancelsAll = cancelsAll,
            AppealPriority = AppealOf(claim.Extension),
            Bundle = bundle,
            Claim = claim,
            PatientEntry = patientEntry,
            InsurerEntry = Find(bundle, claim.Insurer),
            ProviderEntry = providerEntry,
            Coverage = coverage,
            RequestId = identifier.Value!,
            MemberId = memberId,
            MemberElement = member?.Element ?? "Coverage.identifier:memberid",
            Draft = draft,
            FactPaths = clinical.Select(f => f.Key).ToDictionary(f => f, f => reader.PathOf(f)!, StringComparer.Ordinal),
            QuestionnaireAnswers = answers,
        };
    }

    /// <summary>
    /// Why this payer cannot act on the request when it is addressed to another payer: Claim.insurer, or the payor of the
    /// Coverage it names, is a payer other than <paramref name="payer"/> (X12 901 <c>79</c>, invalid participant, at the
    /// element that names it; docs/decisions.md "A request for another payer"). Null when they name this payer, or say
    /// nothing of who the payer is, or this server is not told its own identity (Coverage:Payer).
    /// </summary>
    public PasError? ForAnotherPayer(PayerIdentity payer)
    {
        Resource? Resolve(ResourceReference reference) => Find(Bundle, reference)?.Resource;
        if (payer.Serves([Claim.Insurer], Resolve) == false)
            return new PasError(PasError.InvalidParticipant, "Claim.insurer",
                $"Claim.insurer names {InputEcho.Truncate(PayerIdentity.Named([Claim.Insurer], Resolve))}: this server decides prior authorization requests for {payer.Name} only; send the request to the patient's payer.");
        if (Coverage is { } coverage && payer.Serves(coverage, Resolve) == false)
            return new PasError(PasError.InvalidParticipant, "Coverage.payor",
                $"Coverage.payor names {InputEcho.Truncate(PayerIdentity.Named(coverage.Payor, Resolve))}: the request's Coverage is with another payer; this server decides requests for {payer.Name} members only.");
        return null;
    }

    /// <summary>
    /// The Coverage the request is to be decided under: that of the insurance marked <c>focal</c> ("to be used for
    /// adjudication"), never another's in its place; with none marked, the first the Bundle holds. A member's other
    /// coverages may be listed before it (coordination of benefits).
    /// </summary>
    public static Hl7.Fhir.Model.Coverage? FocalCoverage(Bundle bundle, Claim claim) =>
        claim.Insurance.FirstOrDefault(i => i.Focal == true) is { } focal
            ? Find(bundle, focal.Coverage)?.Resource as Hl7.Fhir.Model.Coverage
            : claim.Insurance.Select(i => Find(bundle, i.Coverage)?.Resource).OfType<Hl7.Fhir.Model.Coverage>().FirstOrDefault();

    /// <summary>Why a Bundle of another type is refused (profile-pas-request-bundle and profile-pas-inquiry-request-bundle fix it).</summary>
    public const string NotACollection = "Bundle.type must be 'collection': a PAS request or inquiry Bundle is a collection of the Claim and what it references.";

    /// <summary>
    /// An item's diagnosisSequence, informationSequence or careTeamSequence that names no Claim.diagnosis,
    /// supportingInfo or careTeam of that sequence: a reference inside the Claim to nothing, refused as a reference to a
    /// resource the Bundle lacks is. Null when every one names something.
    /// </summary>
    public static (string Message, string Expression)? DanglingItemPointer(Claim claim)
    {
        for (var i = 0; i < claim.Item.Count; i++)
        {
            var item = claim.Item[i];
            var dangling = Unnamed(item.DiagnosisSequence, claim.Diagnosis.Select(d => d.Sequence), i, "diagnosisSequence", "Claim.diagnosis")
                ?? Unnamed(item.InformationSequence, claim.SupportingInfo.Select(s => s.Sequence), i, "informationSequence", "Claim.supportingInfo")
                ?? Unnamed(item.CareTeamSequence, claim.CareTeam.Select(c => c.Sequence), i, "careTeamSequence", "Claim.careTeam");
            if (dangling is not null) return dangling;
        }
        return null;
    }

    /// <summary>The first of an item's pointers that names none of the sequences, as the error saying so.</summary>
    private static (string Message, string Expression)? Unnamed(IEnumerable<int?> pointers, IEnumerable<int?> sequences, int item, string element, string target)
    {
        foreach (var n in pointers.OfType<int>())
            if (!sequences.Contains(n))
                return ($"Claim.item[{item}].{element}: {n} names no {target} (none has sequence {n}).", $"Claim.item[{item}].{element}");
        return null;
    }

    /// <summary>
    /// How a case records the submitter's name of a request: the Claim.identifier and the provider. Inquiries match the
    /// provider part (<see cref="ProviderOf"/>); the format is the one cases have always stored.
    /// </summary>
    public static string ExternalKeyOf(Identifier identifier, string providerKey) =>
        $"Claim.identifier={identifier.System}|{identifier.Value}; provider={providerKey}";

    /// <summary>
    /// Whether the case with this external key (found by the updated request id within the caller's organisation and
    /// the member) is the request this update updates: the same provider, and — when the update names the request's
    /// identifier system — the same Claim.identifier, system and value (docs/decisions.md "A Claim update names its
    /// request").
    /// </summary>
    public bool UpdatesCase(string? caseExternalKey) =>
        ProviderOf(caseExternalKey) == ProviderKey
        && (UpdatesSystem is null || caseExternalKey == ExternalKeyOf(new Identifier(UpdatesSystem, Updates), ProviderKey));

    /// <summary>
    /// The business error for a request the payer's cases refuse, <paramref name="reason"/> saying why: a new request
    /// (<paramref name="asNewRequest"/>) under a Claim identifier that cannot name another request (it names as many as
    /// one may, or others submitted at the same moment kept taking its next use), or an update its case cannot take (the
    /// request was cancelled, a physician decided the line it changes). X12 901 33 (input errors), as the IG's own
    /// RejectionResponseExample answers an update it cannot take (docs/decisions.md, "Session 33"), at the element at fault.
    /// </summary>
    public static PasError Refused(string reason, bool asNewRequest) =>
        new(PasError.InputErrors, asNewRequest ? "Claim.identifier" : "Claim.related", reason);

    /// <summary>The provider part of a stored external key (<see cref="ExternalKeyOf"/>); null when it has none.</summary>
    public static string? ProviderOf(string? externalKey)
    {
        const string Marker = "; provider=";
        var at = externalKey?.LastIndexOf(Marker, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : externalKey![(at + Marker.Length)..];
    }

    /// <summary>An X12 1322 certificationType of 3 (cancel) among these extensions.</summary>
    private static bool IsCancel(IEnumerable<Extension> extensions) =>
        extensions.Any(e => e.Url == PasSystems.CertificationType && e.Value is CodeableConcept c && c.Coding.Any(x => x.Code == PasSystems.CertificationCancel));

    /// <summary>An appeal's X12 1322 certificationType among these extensions: 1 is expedited, 2 standard; null when none.</summary>
    private static RequestPriority? AppealOf(IEnumerable<Extension> extensions) =>
        extensions.Where(e => e.Url == PasSystems.CertificationType).SelectMany(e => e.Value is CodeableConcept concept ? concept.Coding : []).Select(c => c.Code).ToList() switch
        {
            var codes when codes.Contains(PasSystems.CertificationAppealImmediate) => RequestPriority.Expedited,
            var codes when codes.Contains(PasSystems.CertificationAppealStandard) => RequestPriority.Standard,
            _ => null,
        };

    /// <summary>
    /// The request a Claim update updates: the identifier of the prior Claim it relates to (in the Bundle, or named
    /// by identifier), else its own. Null when the Claim is not an update: no Claim.related, no cancellation. An item's
    /// infoChanged alone does not make one: the kit's and the IG's first submissions carry it too.
    /// </summary>
    private static Identifier? UpdatedRequest(Bundle bundle, Claim claim, Identifier own)
    {
        var related = claim.Related.FirstOrDefault(r => r.Claim is not null);
        var isUpdate = related is not null || IsCancel(claim.Extension) || claim.Item.Any(i => IsCancel(i.Extension)) || AppealOf(claim.Extension) is not null;
        if (!isUpdate) return null;
        if (related?.Claim is { } reference)
        {
            var prior = (Find(bundle, reference)?.Resource as Claim)?.Identifier.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Value))
                ?? reference.Identifier;
            if (!string.IsNullOrWhiteSpace(prior?.Value)) return prior;
        }
        return own;
    }

    /// <summary>
    /// The day an item is for: servicedDate, or the start of servicedPeriod, when it names a day (a date, or a dateTime
    /// read in its own offset); null when it is absent or names only a year or a month (<see cref="PartialDate"/>), never
    /// the first day of it.
    /// </summary>
    public static DateOnly? ServiceDate(DataType? serviced) => serviced switch
    {
        Date d => FhirMapping.DayOf(d.Value),
        Period p => FhirMapping.DayOf(p.Start),
        _ => null,
    };

    /// <summary>
    /// A date the PAS profiles require to be a full date (their FullDateRule, <c>$this.toString().length() = 10</c>) that
    /// is not one: an item's servicedDate, servicedPeriod.start or .end (profile-claim), the patient's birthDate
    /// (profile-beneficiary). A date of service to the year or month names no day, and its first day would pick the
    /// policy version; a birth date to the year would leave the member's age to a guess. Null when every one is full.
    /// </summary>
    public static (string Message, string Expression)? NotAFullDate(Claim claim, Patient patient)
    {
        static (string, string)? Check(string? value, string element, string profile) =>
            value is null || value.Length == 10 ? null
                : ($"{element}: '{InputEcho.Truncate(value)}' is not a full date (YYYY-MM-DD), as PAS {profile} requires (FullDateRule).", element);
        for (var i = 0; i < claim.Item.Count; i++)
        {
            var found = claim.Item[i].Serviced switch
            {
                Date d => Check(d.Value, $"Claim.item[{i}].servicedDate", "profile-claim"),
                Period p => Check(p.Start, $"Claim.item[{i}].servicedPeriod.start", "profile-claim") ?? Check(p.End, $"Claim.item[{i}].servicedPeriod.end", "profile-claim"),
                _ => null,
            };
            if (found is not null) return found;
        }
        return Check(patient.BirthDate, "Patient.birthDate", "profile-beneficiary");
    }

    /// <summary>
    /// An item's servicedPeriod (or the Claim's billablePeriod) that ends before it starts: FHIR's per-1 ("start SHALL have
    /// a lower value than end"), which the reader does not check. Compared as instants when both give a time, else at the
    /// precision both give (a day, a month, a year); null when every period is in order.
    /// </summary>
    public static (string Message, string Expression)? ReversedPeriod(Claim claim)
    {
        for (var i = 0; i < claim.Item.Count; i++)
            if (claim.Item[i].Serviced is Period period && EndsBeforeStart(period))
                return ($"Claim.item[{i}].servicedPeriod: end ({InputEcho.Truncate(period.End)}) is before start ({InputEcho.Truncate(period.Start)}).", $"Claim.item[{i}].servicedPeriod");
        if (claim.BillablePeriod is { } billable && EndsBeforeStart(billable))
            return ($"Claim.billablePeriod: end ({InputEcho.Truncate(billable.End)}) is before start ({InputEcho.Truncate(billable.Start)}).", "Claim.billablePeriod");
        return null;
    }

    private static bool EndsBeforeStart(Period period)
    {
        if (period.Start is not { Length: >= 4 } start || period.End is not { Length: >= 4 } end) return false;
        if (start.Length > 10 && end.Length > 10
            && DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            return to < from;
        var precision = Math.Min(Math.Min(start.Length, end.Length), 10);
        return string.CompareOrdinal(end, 0, start, 0, precision) < 0;
    }

    /// <summary>The provider's first identifier (system|value), from the referenced resource or the reference itself; else the reference.</summary>
    public static string ProviderKeyOf(Claim claim, Bundle.EntryComponent? provider)
    {
        var identifier = provider?.Resource switch
        {
            Organization o => o.Identifier.FirstOrDefault(i => !string.IsNullOrEmpty(i.Value)),
            Practitioner p => p.Identifier.FirstOrDefault(i => !string.IsNullOrEmpty(i.Value)),
            PractitionerRole r => r.Identifier.FirstOrDefault(i => !string.IsNullOrEmpty(i.Value)),
            _ => null,
        } ?? claim.Provider?.Identifier;
        return identifier is not null ? $"{identifier.System}|{identifier.Value}" : claim.Provider?.Reference ?? "";
    }

    /// <summary>The entry a reference points at: by fullUrl, or by Type/id.</summary>
    public static Bundle.EntryComponent? Find(Bundle bundle, ResourceReference? reference)
    {
        var target = reference?.Reference;
        if (string.IsNullOrEmpty(target)) return null;
        return bundle.Entry.FirstOrDefault(e => e.FullUrl == target)
            ?? bundle.Entry.FirstOrDefault(e => e.Resource is not null && $"{e.Resource.TypeName}/{e.Resource.Id}" == target)
            ?? bundle.Entry.FirstOrDefault(e => e.FullUrl is not null && e.FullUrl.EndsWith("/" + target, StringComparison.Ordinal));
    }

    /// <summary>
    /// The resource a reference of the Claim points at, with its path: an entry of the Bundle, or a resource the
    /// Claim contains ("#id").
    /// </summary>
    private static Located? Locate(Bundle bundle, Claim claim, ResourceReference reference)
    {
        if (reference.Reference is { Length: > 1 } local && local[0] == '#')
        {
            var index = claim.Contained.FindIndex(c => c.Id == local[1..]);
            return index < 0 ? null : new Located(claim.Contained[index], $"Claim.contained[{index}]");
        }
        var entry = Find(bundle, reference);
        return entry?.Resource is null ? null : new Located(entry.Resource, $"Bundle.entry[{bundle.Entry.IndexOf(entry)}].resource");
    }

    /// <summary>
    /// The coverage request, or the input errors that keep the Claim from being one (named by the request's fields:
    /// <see cref="ElementOf"/> names the PAS element behind each).
    /// </summary>
    public RequestReadResult Validate(PolicyCatalogue catalogue)
    {
        var result = RequestValidator.Validate(Draft, catalogue);
        if (MemberId is not null) return result;
        // No member id anywhere (no Coverage member id, subscriberId or identifier, no Patient.identifier or Patient.id):
        // the request this mapping wrote as JSON had "member": {"id": null}, which the request rules refuse; a draft's
        // null is "not given", so the refusal is kept here, where the JSON reader put it (after requestId and dateOfService).
        var errors = result.Errors.ToList();
        errors.Insert(errors.Count(e => e.Field is "requestId" or "dateOfService"), new InputError("member.id", "must be a string, not null"));
        return new RequestReadResult(null, errors);
    }

    /// <summary>
    /// The request validator's refusals as PAS business errors, each with the X12 901 code for its field. The plan is
    /// named only as the request gave it: which plans this payer administers is not the caller's to read.
    /// </summary>
    public IReadOnlyList<PasError> BusinessErrorsOf(RequestReadResult result) =>
        [.. result.Errors.Select(e =>
        {
            var element = ElementOf(e.Field);
            var sequence = SequenceOf(e.Field);
            return e.Field switch
            {
                "member.planId" => new PasError(PasError.NotInPlan, element,
                    $"Coverage.class (plan) '{InputEcho.Truncate(Draft.PlanId)}' is not a plan this payer administers for the member."),
                "member.id" => new PasError(PasError.InvalidOrMissingSubscriberId, element, $"{element}: {e.Message}"),
                "member.birthDate" => new PasError(PasError.InvalidOrMissingDateOfBirth, element, $"{element}: {e.Message}"),
                var f when f == "dateOfService" || f.EndsWith(".dateOfService", StringComparison.Ordinal) =>
                    new PasError(PasError.InvalidOrMissingDateOfService, element, $"{element}: {e.Message}", sequence),
                var f when f.StartsWith("diagnoses", StringComparison.Ordinal) => new PasError(PasError.InvalidOrMissingDiagnosis, element, $"{element}: {e.Message}"),
                var f when f.EndsWith(".code", StringComparison.Ordinal) => new PasError(PasError.InvalidOrMissingProcedure, element, $"{element}: {e.Message}", sequence),
                _ => new PasError(PasError.InputErrors, element, $"{element}: {e.Message}", sequence),
            };
        })];

    /// <summary>The Claim item sequence a request field is about (serviceLines[i]…), if it is about one.</summary>
    private int? SequenceOf(string field)
    {
        if (!field.StartsWith("serviceLines[", StringComparison.Ordinal)) return null;
        var close = field.IndexOf(']', StringComparison.Ordinal);
        return close > 13 && int.TryParse(field[13..close], CultureInfo.InvariantCulture, out var index) && index < Draft.ServiceLines.Count
            ? Draft.ServiceLines[index].Sequence : null;
    }

    /// <summary>Names the PAS element behind a field of the coverage request, for error messages: a clinical fact by where it was read.</summary>
    public string ElementOf(string requestField) =>
        requestField.StartsWith("clinical.", StringComparison.Ordinal) && FactPaths.TryGetValue(requestField["clinical.".Length..], out var path)
            ? path
            : requestField == "member.id" ? MemberElement : ElementOfField(requestField);

    /// <summary>A service line's fields and the elements of the Claim item that give them.</summary>
    private static readonly (string Field, string Element)[] LineElements =
        [(".code", ".productOrService"), (".units", ".quantity"), (".dateOfService", ".serviced[x]"), (".description", ".productOrService.text")];

    /// <summary>Names the PAS element behind a field of the coverage request, for error messages.</summary>
    public static string ElementOfField(string requestField) => requestField switch
    {
        "member.planId" => "Coverage.class",
        "member.birthDate" => "Patient.birthDate",
        "dateOfService" => "Claim.item.serviced[x]",
        var f when f.StartsWith("diagnoses", StringComparison.Ordinal) => "Claim.diagnosis",
        var f when f.StartsWith("serviceLines[", StringComparison.Ordinal) && LineElements.FirstOrDefault(e => f.EndsWith(e.Field, StringComparison.Ordinal)) is ({ } field, { } element) =>
            "Claim.item" + f["serviceLines".Length..^field.Length] + element,
        var f when f.StartsWith("serviceLines", StringComparison.Ordinal) => "Claim.item" + f["serviceLines".Length..],
        "requestId" => "Claim.identifier",
        _ => requestField,
    };
}
