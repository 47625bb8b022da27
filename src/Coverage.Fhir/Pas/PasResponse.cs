using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// Builds the PAS response Bundle: the ClaimResponse first, each item echoing its itemSequence with an
/// adjudication carrying the reviewAction extension (X12 306: A1 certified, A3 not certified, A4 pended,
/// NA no action required), the review number, and a processNote giving the reason and the policy.
/// Only a physician denies for medical necessity: until one decides, such a line is pended (A4).
/// </summary>
public static class PasResponse
{
    public static Bundle Build(PasRequest request, PriorAuthorizationCase theCase, string caseIdentifierSystem, DateTimeOffset now)
    {
        var claim = request.Claim;
        var response = new ClaimResponse
        {
            Id = theCase.CaseId.ToString("N"),
            Identifier = [new Identifier(caseIdentifierSystem, theCase.CaseId.ToString())],
            Status = FinancialResourceStatusCodes.Active,
            Type = claim.Type ?? new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
            Use = ClaimUseCode.Preauthorization,
            Patient = new ResourceReference(request.PatientEntry.FullUrl ?? $"Patient/{request.PatientEntry.Resource!.Id}"),
            Created = now.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            Insurer = claim.Insurer ?? new ResourceReference { Display = "Coverage payer" },
            Requestor = claim.Provider,
            Request = new ResourceReference { Identifier = claim.Identifier.First(i => !string.IsNullOrWhiteSpace(i.Value)) },
            PreAuthRef = theCase.CaseId.ToString(),
        };

        var actions = new List<string>();
        var noteNumber = 0;
        foreach (var item in claim.Item)
        {
            var line = theCase.Lines.FirstOrDefault(l => l.Sequence == (item.Sequence ?? 0));
            if (line is null) continue;
            var action = ActionCode(line);
            actions.Add(action);
            noteNumber++;
            var adjudication = new ClaimResponse.AdjudicationComponent
            {
                Category = new CodeableConcept(FhirSystems.Adjudication, "submitted"),
            };
            var reviewAction = new Extension { Url = FhirSystems.PasReviewAction };
            reviewAction.Extension.Add(new Extension(FhirSystems.PasReviewActionCode,
                new CodeableConcept(FhirSystems.X12ActionCode, action, ActionDisplay(action))));
            reviewAction.Extension.Add(new Extension("number", new FhirString(theCase.CaseId.ToString())));
            adjudication.Extension.Add(reviewAction);
            response.Item.Add(new ClaimResponse.ItemComponent
            {
                ItemSequence = item.Sequence,
                NoteNumberElement = [new PositiveInt(noteNumber)],
                Adjudication = [adjudication],
            });
            response.ProcessNote.Add(new ClaimResponse.NoteComponent
            {
                Number = noteNumber,
                Type = NoteType.Display,
                Text = Note(line, action, theCase.CaseId),
            });
        }

        response.Outcome = actions.All(a => a is "A1" or "A3" or "NA") ? ClaimProcessingCodes.Complete
            : actions.All(a => a == "A4") ? ClaimProcessingCodes.Queued
            : ClaimProcessingCodes.Partial;
        response.Disposition = response.Outcome switch
        {
            ClaimProcessingCodes.Complete => "Review complete.",
            ClaimProcessingCodes.Queued => $"Pended for review (case {theCase.CaseId}).",
            _ => $"Partly decided; the rest is pended for review (case {theCase.CaseId}).",
        };

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
            Identifier = new Identifier(caseIdentifierSystem, theCase.CaseId.ToString()),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}", Resource = response });
        // The resources the ClaimResponse refers to travel with it, as the request carried them.
        foreach (var entry in new[] { request.PatientEntry, request.InsurerEntry, request.ProviderEntry }.OfType<Bundle.EntryComponent>().DistinctBy(e => e.FullUrl))
            if (entry.Resource is { } resource) bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = entry.FullUrl, Resource = (Resource)resource.DeepCopy() });
        return bundle;
    }

    /// <summary>X12 306 for a line: administrative results answer directly; medical necessity waits for a physician.</summary>
    public static string ActionCode(PriorAuthorizationLine line) => line.Outcome switch
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
        "NA" => "No Action Required",
        _ => code,
    };

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
