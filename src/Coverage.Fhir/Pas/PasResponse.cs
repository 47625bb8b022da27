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
/// </summary>
public static class PasResponse
{
    /// <param name="reasons">The payer's review decision reason codes (X12 886) for A3 and A4 items; none when null or empty.</param>
    public static Bundle Build(PasParties request, PriorAuthorizationCase theCase, string caseIdentifierSystem, DateTimeOffset now, ReviewReasonCodes? reasons = null)
    {
        var caseNumber = theCase.CaseId.ToString();
        var response = Header(request, now);
        response.Id = theCase.CaseId.ToString("N");
        response.Identifier = [new Identifier(caseIdentifierSystem, caseNumber)];

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
            response.Item.Add(item);
            response.ProcessNote.Add(new ClaimResponse.NoteComponent
            {
                Number = noteNumber,
                Type = NoteType.Display,
                Text = Note(line, action, theCase.CaseId) + Asked(theCase.InformationRequest, line, action),
            });
        }
        if (theCase.InformationRequest is { } asked) RequestQuestionnaires(response, asked, caseIdentifierSystem, caseNumber);

        response.Outcome = ClaimProcessingCodes.Complete;
        if (actions.Contains("A1")) response.PreAuthRef = caseNumber;
        // Whether a person took part: a physician decided a line. Pended lines have not been reviewed yet.
        var reviewer = new Extension { Url = PasSystems.ClaimResponseReviewer };
        reviewer.Extension.Add(new Extension("wasHumanReviewedFlag", new FhirBoolean(theCase.Lines.Any(l => l.DecisionAction is not null))));
        response.Extension.Add(reviewer);
        response.Disposition = actions.All(a => a == "C") ? $"Cancelled by the provider (case {theCase.CaseId})."
            : !actions.Contains("A4") ? "Review complete."
            : actions.All(a => a is "A4" or "C") ? $"Pended for review (case {theCase.CaseId})."
            : $"Partly decided; the rest is pended for review (case {theCase.CaseId}).";
        return Wrap(request, response, caseIdentifierSystem, caseNumber, now);
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
        return Wrap(request, response, null, null, now);
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
            Insurer = claim.Insurer ?? new ResourceReference { Display = "Coverage payer" },
            Requestor = claim.Provider,
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
    /// The response Bundle: its identifier echoes the request Bundle's (the submitter's transaction identifier),
    /// else names the case; the ClaimResponse first, then the resources it refers to as the request carried them.
    /// </summary>
    private static Bundle Wrap(PasParties request, ClaimResponse response, string? caseIdentifierSystem, string? caseNumber, DateTimeOffset now)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
            Identifier = (Identifier?)request.Bundle.Identifier?.DeepCopy()
                ?? (caseNumber is not null ? new Identifier(caseIdentifierSystem, caseNumber) : new Identifier("urn:ietf:rfc:3986", $"urn:uuid:{response.Id}")),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}", Resource = response });
        foreach (var entry in new[] { request.PatientEntry, request.InsurerEntry, request.ProviderEntry }.OfType<Bundle.EntryComponent>().DistinctBy(e => e.FullUrl))
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
    /// per line (contained, referenced from ClaimResponse.communicationRequest), active, carrying LOINC 102089-0 as its
    /// payload, the line as extension-serviceLineNumber, and as its identifier the tracking number — the case number,
    /// which is also this payer's DTR context id. Its note names the questionnaire's canonical|version, which
    /// <c>$questionnaire-package</c> serves (PAS's CommunicationRequest has no element for a canonical).
    /// </summary>
    private static void RequestQuestionnaires(ClaimResponse response, OpenInformationRequest asked, string caseIdentifierSystem, string caseNumber)
    {
        foreach (var questionnaire in asked.Questionnaires)
        {
            var request = new CommunicationRequest
            {
                Id = $"information-request-{questionnaire.Sequence}",
                Identifier = [new Identifier(caseIdentifierSystem, caseNumber)],
                Status = RequestStatus.Active,
                Requester = response.Insurer,
                Payload = [new CommunicationRequest.PayloadComponent { Content = new FhirString(PasSystems.QuestionnaireRequestLoinc) }],
                Note = [new Annotation { Text = new Markdown($"{asked.Needed.TrimEnd('.')}. Questionnaire: {questionnaire.Canonical} ({questionnaire.Title}).") }],
            };
            request.Extension.Add(new Extension(PasSystems.ServiceLineNumber, new PositiveInt(questionnaire.Sequence)));
            response.Contained.Add(request);
            response.CommunicationRequest.Add(new ResourceReference($"#{request.Id}"));
        }
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
