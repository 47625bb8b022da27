using System.Globalization;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Server.Workbench;

/// <summary>
/// A case as the workbench shows it: the stored request and determination read back, with what the
/// catalogue it was decided with says of each line's code, policy, evidence and FDA device.
/// </summary>
public sealed record CaseDetails(CaseView Case, CoverageRequest Request, Determination Determination, IReadOnlyList<LineDetails> Lines,
    PolicyCatalogue Catalogue, bool CatalogueKept = true)
{
    /// <summary>
    /// The case read with the catalogue its determination names (catalogueDigest): a case decided before the catalogue
    /// changed is shown with its own rules, plans and facts. When that catalogue was not kept, today's is used and
    /// <see cref="CatalogueKept"/> says so.
    /// </summary>
    public static async Task<CaseDetails> ReadAsync(CaseView view, CatalogueVersions catalogues, CancellationToken cancellationToken)
    {
        // Read once: the digest picks the catalogue, and the same determination is shown with it.
        var determination = DeterminationReader.Read(view.DeterminationJson);
        var catalogue = await catalogues.FindAsync(determination.CatalogueDigest, cancellationToken);
        return From(view, determination, catalogue ?? catalogues.Current, kept: catalogue is not null);
    }

    public static CaseDetails From(CaseView view, PolicyCatalogue catalogue, bool kept = true) =>
        From(view, DeterminationReader.Read(view.DeterminationJson), catalogue, kept);

    private static CaseDetails From(CaseView view, Determination determination, PolicyCatalogue catalogue, bool kept)
    {
        // The stored request was written by RequestWriter from a valid request; reading it back cannot fail
        // unless the catalogue lost a plan it names, which is a deployment error worth stopping on.
        var read = RequestReader.Read(view.RequestJson, catalogue);
        var request = read.Request ?? throw new InvalidOperationException(
            $"Case {view.Id}: its stored request no longer reads with this catalogue: {string.Join("; ", read.Errors)}");
        var lines = determination.Lines.Select(line =>
        {
            var policy = line.Policy is null ? null : catalogue.FindPolicy(line.Policy.Id);
            var serviceLine = request.ServiceLines.FirstOrDefault(s => s.Sequence == line.Sequence);
            return new LineDetails(
                line,
                serviceLine,
                policy,
                policy?.Codes.GetValueOrDefault(line.Code) ?? catalogue.Policies.Select(p => p.Codes.GetValueOrDefault(line.Code)).FirstOrDefault(c => c is not null),
                line.Modality is null ? null : policy?.Modalities.GetValueOrDefault(line.Modality),
                line.Modality is null ? null : policy?.Evidence.GetValueOrDefault(line.Modality),
                policy?.VersionOn(line.DateOfService),
                view.Decisions.FirstOrDefault(d => d.Sequence == line.Sequence),
                view.HeldLines.Contains(line.Sequence) || (view.Appeal?.Lines.Contains(line.Sequence) ?? false));
        }).ToList();
        return new CaseDetails(view, request, determination, lines, catalogue, kept);
    }

    /// <summary>The member's age in whole years on the date of service, when the birth date is known: the engine's own rule.</summary>
    public int? AgeOnDateOfService => Request.Member.BirthDate is { } birth ? MemberAge.On(birth, Request.DateOfService) : null;

    /// <summary>A stated fact in the catalogue's words: "Largest dimension of the target tumor: 1.2 cm", "Drugs tried: methotrexate, azathioprine".</summary>
    public static string FactText(FactDefinition? definition, string name, FactValue value)
    {
        var (label, text) = FactParts(definition, name, value);
        return $"{label}: {text}";
    }

    /// <summary>The fact's label and its value, each in the catalogue's words (<see cref="FactText"/> joins them).</summary>
    public static (string Label, string Value) FactParts(FactDefinition? definition, string name, FactValue value)
    {
        if (definition is null) return (name, value.ToString() ?? "");
        var label = definition.Description.TrimEnd('.');
        switch (value.Type)
        {
            case FactType.Boolean:
                return (label, value.Boolean ? "yes" : "no");
            case FactType.Number:
                return (label, $"{value.Number.ToString("0.##", CultureInfo.InvariantCulture)}{(definition.Unit is { } unit ? " " + unit : "")}");
            case FactType.Date:
                return (label, Words.Date(value.Date));
            case FactType.List:
                return (label, value.Items is { Count: > 0 } items ? string.Join(", ", items) : "none");
            default:
                // A code fact whose description spells out its values ("…: infiltrating ductal carcinoma (idc), lobular (ilc), …")
                // is shown in those words, not as the code.
                var code = value.Code ?? "";
                var colon = label.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) return (label, code);
                var options = label[(colon + 1)..];
                var at = options.IndexOf($"({code})", StringComparison.OrdinalIgnoreCase);
                if (at <= 0) return (label[..colon], code);
                var start = options.LastIndexOfAny([',', ':'], at - 1) + 1;
                return (label[..colon], options[start..at].Trim());
        }
    }
}

/// <summary>One line with the catalogue entries it refers to, and the reviewer's decision if there is one.</summary>
public sealed record LineDetails(
    LineDetermination Line,
    ServiceLine? ServiceLine,
    CoveragePolicy? Policy,
    ProcedureCode? Code,
    Modality? Modality,
    EvidenceSummary? Evidence,
    PolicyVersion? PolicyVersion,
    DecisionView? Decision,
    bool Held = false)
{
    /// <summary>
    /// A line a physician decides: an adverse medical-necessity recommendation, or a line held for review
    /// because descriptions added to a case headed to review made it final (a physician confirms it).
    /// </summary>
    public bool AwaitsDecision => (Line.RequiresPhysicianReview || Held) && Decision is null;

    /// <summary>A denial a physician upheld: the lines that get an adverse determination notice.</summary>
    public bool IsUpheldDenial => Decision is { Action: DecisionActions.Uphold };

    /// <summary>The line's result, physicians' decisions applied, is adverse (what an appeal of a final case contests).</summary>
    public bool IsAdverse => CaseWorkflow.IsAdverse(Decision?.Action == DecisionActions.Overturn ? LineOutcome.Covered : Line.Outcome);

    /// <summary>The criteria of the statement that decided the line with this result.</summary>
    public IEnumerable<CriterionFinding> CriteriaWith(CriterionResult result) => Line.Criteria.Where(c => c.Result == result);

    public IEnumerable<PolicyReferenceEntry> EvidenceReferences(EvidenceSummary evidence) =>
        evidence.DescriptionReferences.Concat(evidence.ConclusionReferences).Concat(evidence.CommonLimitationsReferences)
            .Concat(evidence.Studies.SelectMany(s => s.References)).Distinct().Order()
            .Select(n => Policy?.References.GetValueOrDefault(n)).OfType<PolicyReferenceEntry>();
}

/// <summary>Plain words for the wire values the pages show.</summary>
public static class Words
{
    public static string Status(string status) => status switch
    {
        CaseStatus.PendingPhysicianReview => "Waiting for physician review",
        CaseStatus.PendingInformation => "Waiting for information",
        CaseStatus.Final => "Final",
        _ => status,
    };

    public static string Outcome(LineOutcome outcome) => Outcome(outcome.ToWire());

    public static string Outcome(string outcome) => outcome switch
    {
        "not-medically-necessary" => "Not medically necessary (recommendation)",
        "experimental-investigational-unproven" => "Experimental, investigational or unproven (recommendation)",
        "covered" => "Covered",
        "excluded-by-plan" => "Excluded by the plan",
        "invalid-code" => "Invalid code on the date of service",
        "invalid-coding" => "Invalid coding",
        "information-required" => "Information required",
        "not-addressed" => "Not addressed by a policy",
        "not-covered" => "Not covered",
        "partially-covered" => "Partially covered",
        "pended" => "Pended",
        _ => outcome,
    };

    public static string GovernedBy(GoverningSource? source) => source switch
    {
        GoverningSource.Mandate => "A mandate",
        GoverningSource.Plan => "The member's benefit plan",
        GoverningSource.Policy => "The coverage policy",
        _ => "—",
    };

    public static string Criterion(CriterionResult result) => result switch
    {
        CriterionResult.Met => "Met",
        CriterionResult.Unmet => "Not met",
        _ => "Unknown",
    };

    public static string FdaStatus(FdaLabelStatus status) => status switch
    {
        FdaLabelStatus.OnLabel => "Within the labeled indication",
        FdaLabelStatus.OffLabel => "Outside the labeled indication",
        FdaLabelStatus.Indeterminate => "Cannot tell: some criteria are unknown",
        _ => "No FDA-authorized device for this use",
    };

    /// <summary>"2 d 4 h left", or "overdue by 3 h"; minutes only when under an hour.</summary>
    public static string TimeLeft(DateTime dueAt, DateTime now)
    {
        var left = dueAt - now;
        var span = left.Duration();
        var text = span.TotalHours < 1 ? $"{Math.Max(1, (int)span.TotalMinutes)} min"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d {span.Hours} h";
        return left < TimeSpan.Zero ? $"Overdue by {text}" : $"{text} left";
    }

    public static string Utc(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Date(DateTime at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Date(DateOnly at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
