using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// Builds the PAS (2.2.1) response Bundle: the ClaimResponse first, one item for every line of the case (spec-46: the
/// current result of each, whichever items the request listed), each echoing its itemSequence with an adjudication
/// carrying the reviewAction extension (X12 306: A1 certified, A3 not certified, A4 pended, C cancelled, NA no action
/// required) and a processNote giving the reason and the policy. Outcome is <c>complete</c> for every decided or pended
/// answer (2.2.1 has no <c>queued</c>: a pended item is A4) and <c>error</c> for a business error (<see cref="Error"/>).
/// A certified item carries the certification number (reviewAction.number, and the ClaimResponse's preAuthRef); a
/// pended or denied one carries the administration reference number instead (REF*NT); both are the case id, which an
/// inquiry may quote. Only a physician denies for medical necessity: until one decides, such a line is pended (A4).
/// Each item repeats the submitted item and a certified one states what its certification is (<see cref="PasItemAnswer"/>);
/// the must-support elements never populated, and why, are in docs/crd-pas.md ("PAS must-support elements in responses").
/// </summary>
public static class PasResponse
{
    /// <param name="reasons">The payer's review decision reason codes (X12 886) for A3 and A4 items; none when null or empty.</param>
    /// <param name="submitted">
    /// The submission whose items the answer repeats (<see cref="PasItemEcho"/>); by default <paramref name="request"/>
    /// itself. An inquiry's answer passes the submission the case kept, when it kept one.
    /// </param>
    public static Bundle Build(
        PasParties request, PriorAuthorizationCase theCase, string caseIdentifierSystem, DateTimeOffset now, ReviewReasonCodes? reasons = null,
        PasParties? submitted = null)
    {
        var caseNumber = theCase.CaseId.ToString();
        var response = Header(request, now);
        response.Id = theCase.CaseId.ToString("N");
        response.Identifier = [new Identifier(caseIdentifierSystem, caseNumber)];
        var source = submitted ?? request;
        var echoes = PasItemEcho.Of(source.Claim);
        var authorized = new AuthorizedProviders(source.Bundle);
        var repeated = new Dictionary<int, PasItemEcho>();

        var actions = new List<string>();
        foreach (var line in theCase.Lines)
        {
            var action = ActionCode(line);
            actions.Add(action);
            var noteNumber = actions.Count;
            var adjudication = new ClaimResponse.AdjudicationComponent
            {
                Category = new CodeableConcept(FhirSystems.Adjudication, "submitted"),
            };
            var reviewAction = new Extension { Url = FhirSystems.PasReviewAction };
            reviewAction.Extension.Add(new Extension(FhirSystems.PasReviewActionCode,
                new CodeableConcept(FhirSystems.X12ActionCode, action, ActionDisplay(action))));
            if (action == "A1") reviewAction.Extension.Add(new Extension("number", new FhirString(caseNumber)));
            foreach (var reason in (reasons ?? ReviewReasonCodes.None).For(action, line))
                reviewAction.Extension.Add(new Extension("reasonCode", new CodeableConcept { Coding = [reason] }));
            adjudication.Extension.Add(reviewAction);
            var item = new ClaimResponse.ItemComponent
            {
                ItemSequence = line.Sequence,
                NoteNumberElement = [new PositiveInt(noteNumber)],
                Adjudication = [adjudication],
            };
            if (action is "A3" or "A4") item.Extension.Add(new Extension(PasSystems.AdministrationReferenceNumber, new FhirString(caseNumber)));
            // The item as submitted, repeated only when it is the item decided (same sequence and code): a kept
            // submission an update has since changed is not repeated for a line it no longer describes.
            var echo = echoes.TryGetValue(line.Sequence, out var found) && Codes(found).Contains(line.Code, StringComparer.OrdinalIgnoreCase) ? found : null;
            if (echo is not null) repeated[line.Sequence] = echo;
            PasItemAnswer.Repeat(item, echo);
            if (action == "A1") PasItemAnswer.Certify(item, line, echo, authorized, IssuedOn(line, theCase, now));
            response.Item.Add(item);
            response.ProcessNote.Add(new ClaimResponse.NoteComponent
            {
                Number = noteNumber,
                Type = NoteType.Display,
                Text = Note(line, action, theCase.CaseId) + Asked(theCase.InformationRequest, line, action),
            });
        }
        var requests = theCase.InformationRequest is { } asked ? RequestQuestionnaires(response, asked, caseIdentifierSystem, caseNumber, request, repeated, now) : [];

        response.Outcome = ClaimProcessingCodes.Complete;
        if (actions.Contains("A1"))
        {
            response.PreAuthRef = caseNumber;
            // The authorization as a whole holds for the dates of service its certified items were decided for.
            var days = theCase.Lines.Where(l => ActionCode(l) == "A1" && l.DateOfService is not null).Select(l => l.DateOfService!.Value).ToList();
            if (days.Count > 0) response.PreAuthPeriod = new Period(new FhirDateTime(IsoDay(days.Min())), new FhirDateTime(IsoDay(days.Max())));
        }
        // One review action for the request as a whole (the 278's patient-event level), only when every item has the same one.
        if (actions.Count > 0 && actions.Distinct().Count() == 1) response.Adjudication.Add(Adjudicated(actions[0], caseNumber));
        PasTransmission.Answer(request.Claim, response);
        // Whether a person took part: a physician decided a line. Pended lines have not been reviewed yet.
        var reviewer = new Extension { Url = PasSystems.ClaimResponseReviewer };
        reviewer.Extension.Add(new Extension("wasHumanReviewedFlag", new FhirBoolean(theCase.Lines.Any(l => l.DecisionAction is not null))));
        response.Extension.Add(reviewer);
        response.Disposition = actions.All(a => a == "C") ? $"Cancelled by the provider (case {theCase.CaseId})."
            : !actions.Contains("A4") ? "Review complete."
            : actions.All(a => a is "A4" or "C") ? $"Pended for review (case {theCase.CaseId})."
            : $"Partly decided; the rest is pended for review (case {theCase.CaseId}).";
        var bundle = Wrap(request, response, caseIdentifierSystem, caseNumber, now, authorized.Entries);
        bundle.Entry.AddRange(requests);
        return bundle;
    }

    /// <summary>The codes an item was submitted with.</summary>
    private static IEnumerable<string?> Codes(PasItemEcho echo) => echo.ProductOrService?.Coding.Select(c => c.Code) ?? [];

    /// <summary>
    /// When a certified line's authorization was issued: the physician's overturn, else the engine's evaluation of the
    /// lines as they stand (a case read back without its evaluation time answers with now, when it is read).
    /// </summary>
    private static DateOnly IssuedOn(PriorAuthorizationLine line, PriorAuthorizationCase theCase, DateTimeOffset now) =>
        DateOnly.FromDateTime((line.DecisionAction == "overturn" && line.DecidedAt is { } decided ? decided : theCase.EvaluatedAt ?? now).UtcDateTime);

    private static string IsoDay(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The request's single review action at the header (ClaimResponse.adjudication), with the certification number of an A1.</summary>
    private static ClaimResponse.AdjudicationComponent Adjudicated(string action, string caseNumber)
    {
        var reviewAction = new Extension { Url = FhirSystems.PasReviewAction };
        reviewAction.Extension.Add(new Extension(FhirSystems.PasReviewActionCode, new CodeableConcept(FhirSystems.X12ActionCode, action, ActionDisplay(action))));
        if (action == "A1") reviewAction.Extension.Add(new Extension("number", new FhirString(caseNumber)));
        var adjudication = new ClaimResponse.AdjudicationComponent { Category = new CodeableConcept(FhirSystems.Adjudication, "submitted") };
        adjudication.Extension.Add(reviewAction);
        return adjudication;
    }

    /// <summary>
    /// A request the payer cannot act on, answered as PAS answers it (200, not a 4xx): a ClaimResponse with outcome
    /// <c>error</c>, an <c>error</c> per problem with its X12 901 code, the item it is about, the element's path and the
    /// follow-up action "correct and resubmit" (X12 889 C), and each message as a process note. No case is made.
    /// </summary>
    public static Bundle Error(PasParties request, IReadOnlyList<PasError> errors, DateTimeOffset now)
    {
        var response = Header(request, now);
        response.Id = Guid.CreateVersion7(now).ToString("N");
        response.Outcome = ClaimProcessingCodes.Error;
        response.Disposition = "The request was not accepted; correct it and submit it again.";
        for (var i = 0; i < errors.Count; i++)
        {
            var problem = errors[i];
            var error = new ClaimResponse.ErrorComponent
            {
                Code = new CodeableConcept(PasSystems.X12RejectReason, problem.Code, PasError.Display(problem.Code)),
                ItemSequence = problem.ItemSequence,
            };
            error.Extension.Add(new Extension(PasSystems.ErrorPath, new FhirString(problem.Element)));
            error.Extension.Add(new Extension(PasSystems.ErrorFollowupAction, new CodeableConcept(PasSystems.X12FollowupAction, "C", "Please Correct and Resubmit")));
            response.Error.Add(error);
            response.ProcessNote.Add(new ClaimResponse.NoteComponent { Number = i + 1, Type = NoteType.Display, Text = problem.Message });
        }
        PasTransmission.Answer(request.Claim, response);
        return Wrap(request, response, null, null, now, []);
    }

    /// <summary>What every ClaimResponse repeats of the request: type, patient, insurer, requestor, and the request by its identifier.</summary>
    private static ClaimResponse Header(PasParties request, DateTimeOffset now)
    {
        var claim = request.Claim;
        var claimIdentifier = request.ClaimIdentifier;
        return new ClaimResponse
        {
            Status = FinancialResourceStatusCodes.Active,
            Type = claim.Type ?? new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
            Use = ClaimUseCode.Preauthorization,
            Patient = new ResourceReference(request.PatientEntry.FullUrl ?? $"Patient/{request.PatientEntry.Resource!.Id}"),
            Created = now.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            Insurer = Echoed(request.InsurerEntry, claim.Insurer) ?? new ResourceReference { Display = "Coverage payer" },
            Requestor = Echoed(request.ProviderEntry, claim.Provider),
            // The Claim as the request Bundle named it (its fullUrl), and its identifier without the assigner: an
            // identifier-only reference fails ref-1 in Firely, and the request's assigner reference would too.
            Request = new ResourceReference
            {
                Reference = request.Bundle.Entry[0].FullUrl ?? (claim.Id is { } id ? $"Claim/{id}" : null),
                Identifier = new Identifier(claimIdentifier.System, claimIdentifier.Value),
            },
        };
    }

    /// <summary>
    /// A reference of the Claim to a resource the response Bundle echoes, made to name that entry by its fullUrl: the
    /// ClaimResponse's own entry has a urn:uuid fullUrl, from which a relative reference ("Organization/x") does not
    /// resolve (FHIR R4 Bundle reference resolution). Without an echoed entry, the Claim's reference as it was.
    /// </summary>
    private static ResourceReference? Echoed(Bundle.EntryComponent? entry, ResourceReference? reference)
    {
        if (reference is null || entry?.FullUrl is not { } fullUrl || entry.Resource is null) return reference;
        var echoed = (ResourceReference)reference.DeepCopy();
        echoed.Reference = fullUrl;
        return echoed;
    }

    /// <summary>
    /// The response Bundle: its identifier echoes the request Bundle's (the submitter's transaction identifier),
    /// else names the case; the ClaimResponse first, then the resources it refers to as the request carried them.
    /// </summary>
    /// <param name="authorized">The entries of the providers certified items authorize (Practitioners and Organizations of the submission).</param>
    private static Bundle Wrap(PasParties request, ClaimResponse response, string? caseIdentifierSystem, string? caseNumber, DateTimeOffset now,
        IEnumerable<Bundle.EntryComponent> authorized)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
            Identifier = (Identifier?)request.Bundle.Identifier?.DeepCopy()
                ?? (caseNumber is not null ? new Identifier(caseIdentifierSystem, caseNumber) : new Identifier("urn:ietf:rfc:3986", $"urn:uuid:{response.Id}")),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}", Resource = response });
        foreach (var entry in new[] { request.PatientEntry, request.InsurerEntry, request.ProviderEntry }.OfType<Bundle.EntryComponent>().Concat(authorized).DistinctBy(e => e.FullUrl))
        {
            if (entry.Resource is not { } resource) continue;
            var copy = (Resource)resource.DeepCopy();
            // PAS's insurer and requestor profiles require Organization.active; an organisation we answer is one we act for.
            if (copy is Organization { Active: null } organization) organization.Active = true;
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = entry.FullUrl, Resource = copy });
        }
        return bundle;
    }

    /// <summary>
    /// The $inquire answer (PAS 2.2.1): a Parameters with one <c>return</c> parameter per matching request's response
    /// Bundle; none when nothing matches.
    /// </summary>
    public static Parameters Inquiry(IEnumerable<Bundle> responses, DateTimeOffset now)
    {
        // lastUpdated also keeps an answer with no parameter from being an empty object, which FHIR JSON forbids.
        var parameters = new Parameters { Meta = new Meta { LastUpdated = now } };
        foreach (var response in responses) parameters.Parameter.Add(new Parameters.ParameterComponent { Name = PasSystems.InquiryReturnParameter, Resource = response });
        return parameters;
    }

    /// <summary>X12 306 for a line: administrative results answer directly; medical necessity waits for a physician.</summary>
    public static string ActionCode(PriorAuthorizationLine line) => line.Cancelled ? "C" : line.Outcome switch
    {
        LineOutcome.Covered => "A1",
        LineOutcome.NotMedicallyNecessary or LineOutcome.ExperimentalInvestigationalUnproven => line.DecisionAction switch
        {
            "uphold" => "A3",
            "overturn" => "A1",
            _ => "A4",
        },
        LineOutcome.ExcludedByPlan or LineOutcome.NotCovered or LineOutcome.InvalidCode or LineOutcome.InvalidCoding => "A3",
        LineOutcome.InformationRequired => "A4",
        LineOutcome.NotAddressed => "NA",
        _ => throw new ArgumentOutOfRangeException(nameof(line)),
    };

    private static string ActionDisplay(string code) => code switch
    {
        "A1" => "Certified in total",
        "A3" => "Not Certified",
        "A4" => "Pended",
        "C" => "Cancelled",
        "NA" => "No Action Required",
        _ => code,
    };

    /// <summary>A pended line's note says what the reviewer asked for, and which questionnaire answers it for this line.</summary>
    private static string Asked(OpenInformationRequest? asked, PriorAuthorizationLine line, string action)
    {
        if (asked is null || action != "A4") return "";
        var questionnaire = asked.Questionnaires.FirstOrDefault(q => q.Sequence == line.Sequence);
        return $" A reviewer asks for more information: {asked.Needed.TrimEnd('.')}."
            + (questionnaire is null ? "" : $" Complete the questionnaire {questionnaire.Canonical} ({questionnaire.Title}) through DTR and send it back in a claim update.");
    }

    /// <summary>
    /// The reviewer's request as PAS 2.2.1 expresses a payer's request for a questionnaire: one PAS CommunicationRequest
    /// per line, an entry of the response Bundle (where a client, and the PAS kit, finds it by its type) referenced from
    /// ClaimResponse.communicationRequest; active, carrying LOINC 102089-0 as its payload with the diagnoses the line
    /// was submitted with (communicatedDiagnosis), the line as extension-serviceLineNumber, and as its identifier the
    /// tracking number — the case number, which is also this payer's DTR context id. The payer requests it, the
    /// provider (an Organization, PAS's requestor) sends it, electronically (X12 756 EL: the answers come back through
    /// DTR and a claim update). Its note names the questionnaire's canonical|version, which
    /// <c>$questionnaire-package</c> serves (PAS's CommunicationRequest has no element for a canonical).
    /// </summary>
    private static List<Bundle.EntryComponent> RequestQuestionnaires(
        ClaimResponse response, OpenInformationRequest asked, string caseIdentifierSystem, string caseNumber, PasParties request,
        Dictionary<int, PasItemEcho> echoes, DateTimeOffset now)
    {
        var entries = new List<Bundle.EntryComponent>();
        foreach (var questionnaire in asked.Questionnaires)
        {
            var payload = new CommunicationRequest.PayloadComponent { Content = new FhirString(PasSystems.QuestionnaireRequestLoinc) };
            foreach (var diagnosis in echoes.TryGetValue(questionnaire.Sequence, out var echo) ? echo.Diagnoses : [])
                payload.Extension.Add(new Extension(PasSystems.CommunicatedDiagnosis, (CodeableConcept)diagnosis.DeepCopy()));
            var communication = new CommunicationRequest
            {
                Id = $"information-request-{questionnaire.Sequence}",
                Identifier = [new Identifier(caseIdentifierSystem, caseNumber)],
                Status = RequestStatus.Active,
                Medium = [new CodeableConcept(PasSystems.X12ReportTransmission, PasSystems.ElectronicallyOnly, "Electronically Only")],
                Requester = response.Insurer,
                Sender = request.ProviderEntry?.Resource is Organization ? response.Requestor : null,
                Payload = [payload],
                Note = [new Annotation { Text = new Markdown($"{asked.Needed.TrimEnd('.')}. Questionnaire: {questionnaire.Canonical} ({questionnaire.Title}).") }],
            };
            communication.Extension.Add(new Extension(PasSystems.ServiceLineNumber, new PositiveInt(questionnaire.Sequence)));
            var entry = new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}", Resource = communication };
            entries.Add(entry);
            response.CommunicationRequest.Add(new ResourceReference(entry.FullUrl));
        }
        return entries;
    }

    private static string Note(PriorAuthorizationLine line, string action, Guid caseId)
    {
        var reason = line.Reason;
        var policy = reason.Policy is null ? "" : $" Policy {reason.Policy.Id} \"{reason.Policy.Title}\", version {reason.Policy.Version}.";
        var statement = reason.Statement is null ? "" : $" {reason.Statement.Section}: \"{reason.Statement.Text}\"";
        var unmet = reason.UnmetCriteria.Count == 0 ? "" : " Not met: " + string.Join("; ", reason.UnmetCriteria.Select(c => c.TrimEnd('.'))) + ".";
        var finding = LineReason.Finding(reason.Outcome);
        var head = $"Item {line.Sequence} ({line.Code}): ";
        return action switch
        {
            "C" => head + "cancelled by the provider.",
            "A4" when line.Outcome == LineOutcome.InformationRequired =>
                head + $"pended: more information is needed (case {caseId}). " + string.Join(" ", reason.InformationNeeded.Select(i => i.TrimEnd('.') + ".")) + policy,
            "A4" => head + $"pended for physician review (case {caseId}); the policy recommends denial as {finding}.{policy}{statement}{unmet}",
            "A3" when line.DecisionAction == "uphold" =>
                head + $"not certified: a physician reviewer upheld the policy's determination that it is {finding}. Reviewer's rationale: {line.DecisionRationale}{policy}{statement}{unmet}",
            "A1" when line.DecisionAction == "overturn" =>
                head + $"certified on physician or clinical review. Reviewer's rationale: {line.DecisionRationale}",
            "NA" => head + "no prior authorization is required under the payer's coverage policies.",
            _ => head + reason,
        };
    }
}
