using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench.Notices;

/// <summary>
/// An adverse determination notice for one upheld denial, as sections of plain text. The printable
/// page and the PDF both render this one model, so they cannot say different things.
/// </summary>
public sealed record AdverseNotice(
    string Title, string PlanName, DateTime IssuedAt, IReadOnlyList<NoticeFact> Summary, IReadOnlyList<NoticeSection> Sections, string FileName);

public sealed record NoticeFact(string Label, string Value);

public sealed record NoticeSection(string Heading, IReadOnlyList<NoticeBlock> Blocks);

public abstract record NoticeBlock;

public sealed record NoticeParagraph(string Text) : NoticeBlock;

public sealed record NoticeBullets(IReadOnlyList<string> Items) : NoticeBlock;

/// <summary>Words quoted exactly from a source (the policy, the plan, the reviewer), with the source named.</summary>
public sealed record NoticeQuote(string Text, string Source) : NoticeBlock;

public sealed record NoticeDefinitions(IReadOnlyList<NoticeFact> Items) : NoticeBlock;

/// <summary>
/// Builds the notice from the case (request, determination, the physician's decision) and the catalogue it was
/// decided with (policy, coverage statement, evidence, code descriptions, fact definitions). Appeal rights follow the
/// federal claims and appeals rules for group health plans (29 CFR 2560.503-1, 45 CFR 147.136).
/// </summary>
public sealed class NoticeBuilder(IOptions<WorkbenchOptions> options)
{
    public const int AppealDays = 180;
    public const int ExpeditedHours = 72;

    private NoticeOptions Plan => options.Value.Notice;

    /// <summary>The notice for the line, or null when the line is not a denial a physician upheld.</summary>
    public AdverseNotice? Build(CaseDetails details, int sequence)
    {
        var line = details.Lines.FirstOrDefault(l => l.Line.Sequence == sequence);
        if (line is null || !line.IsUpheldDenial) return null;
        var decision = line.Decision!;
        var request = details.Request;
        var isClaim = details.Case.Kind == "claim";
        var service = ServiceName(line);
        var dateOfService = line.Line.DateOfService;
        var policy = line.Line.Policy;

        var summary = new List<NoticeFact>
        {
            new("Member ID", request.Member.Id ?? "not given"),
            new("Request number", details.Case.RequestId ?? details.Case.Id.ToString()),
            new("Service", $"{service} (code {line.Line.Code})"),
            new("Date of service", Words.Date(dateOfService)),
            new("Decision", isClaim ? "We will not pay for this service" : "We did not approve this service"),
            new("Date of this notice", Words.Date(decision.DecidedAt)),
        };

        var sections = new List<NoticeSection>
        {
            new("What we decided",
            [
                new NoticeParagraph(isClaim
                    ? $"We will not pay the claim for {service} (code {line.Line.Code}) provided on {Words.Date(dateOfService)}."
                    : $"We did not approve the request for {service} (code {line.Line.Code}) planned for {Words.Date(dateOfService)}."),
                new NoticeParagraph($"A physician reviewer, {decision.ReviewerName}, looked at the request and your medical information and decided on " +
                    $"{Words.Date(decision.DecidedAt)} that this service is {Finding(line)} under {PolicyName(policy)}."),
            ]),
            new("Why: the specific reason", Reason(line, policy)),
        };
        if (policy is not null) sections.Add(PolicySection(line, policy));
        sections.Add(new("How the reviewer applied the policy to you", Rationale(details, line)));
        sections.Add(new("Codes used in this decision", [new NoticeDefinitions(Codes(details, line))]));
        sections.Add(new("What could change this decision", WhatCouldChange(line)));
        sections.Add(new("Your right to appeal", Appeal(details)));
        sections.Add(new("If your situation is urgent: a fast (expedited) appeal",
        [
            new NoticeParagraph("If waiting for a standard appeal could seriously harm your life, your health or your ability to regain full function, " +
                "or your doctor tells us your situation is urgent, you or your doctor can ask for an expedited appeal by phone or in writing. " +
                $"We will decide an expedited appeal within {ExpeditedHours} hours. You can ask for an expedited external review (below) at the same time."),
        ]));
        sections.Add(new("Independent external review",
        [
            new NoticeParagraph("If we keep our decision after your appeal, or if we do not follow the appeal rules, you can ask for an external review. " +
                "An independent review organization, not connected with us, looks at your case again. Ask within 4 months after you receive " +
                "our decision on your appeal. If the independent reviewer decides the service should be covered, we must follow that decision."),
            new NoticeParagraph($"To ask for an external review, or for help with any of these steps, contact {Plan.Contact}. " +
                "Your state's consumer assistance program or department of insurance can also help you, at no cost."),
        ]));
        sections.Add(new("Your care",
        [
            new NoticeParagraph("This notice is about payment. You and your doctor decide about your treatment. " +
                "You can ask for this notice in another language or format by contacting " + Plan.Contact + "."),
        ]));

        var fileName = $"notice-{Slug(details.Case.RequestId ?? details.Case.Id.ToString())}-line-{sequence}.pdf";
        return new AdverseNotice("Notice of adverse benefit determination", Plan.PlanName, decision.DecidedAt, summary, sections, fileName);
    }

    /// <summary>
    /// The policy denies the service whatever the patient's facts: 0540's single statement says not medically
    /// necessary, or the statement that decided the line has no criteria ("investigational for all other indications").
    /// </summary>
    private static bool DeniedForEveryone(LineDetails line) =>
        line.Line.GovernedBy is null or GoverningSource.Policy &&
        (line.PolicyVersion?.Statement?.Determination == StatementDetermination.NotMedicallyNecessary
         || line.PolicyVersion?.Rules.Count > 0 && line.Line.Criteria.Count == 0);

    /// <summary>What the line was found to be, in the notice's words: "not medically necessary", "experimental, investigational or unproven".</summary>
    private static string Finding(LineDetails line) => line.Line.Outcome switch
    {
        LineOutcome.NotMedicallyNecessary => "not medically necessary",
        LineOutcome.ExperimentalInvestigationalUnproven => "experimental, investigational or unproven",
        LineOutcome.NotCovered => "not covered",
        LineOutcome.ExcludedByPlan => "excluded by your plan",
        var other => Words.Outcome(other).ToLowerInvariant(),
    };

    private static string PolicyName(PolicyReference? policy) =>
        policy is null ? "the rules of your plan" : $"our medical policy {policy.Id}, \"{policy.Title}\"";

    /// <summary>"cryoablation of a malignant breast tumor": the catalogue's modality and condition names, else the line's own words.</summary>
    private static string ServiceName(LineDetails line)
    {
        if (line.Modality is not null && line.Policy is not null)
            return line.Policy.Condition is { } condition
                ? $"{line.Modality.Name.ToLowerInvariant()} of a {condition.Name}"
                : line.Modality.Name;
        return line.ServiceLine?.Description ?? line.Code?.Description ?? $"the service with code {line.Line.Code}";
    }

    private static List<NoticeBlock> Reason(LineDetails line, PolicyReference? policy)
    {
        var blocks = new List<NoticeBlock>();
        var modality = ServiceName(line);
        var finding = Finding(line);
        blocks.Add(new NoticeParagraph(line.Line.GovernedBy switch
        {
            GoverningSource.Plan => $"Your benefit plan's terms decide this service, and under them {modality} is {finding} for you. The terms say:",
            GoverningSource.Mandate => $"A mandate that applies to your plan decides this service, and under it {modality} is {finding} for you. It says:",
            _ when DeniedForEveryone(line) => $"Our medical policy considers {modality} {finding} for any patient{ForIndication(line)}. The policy says:",
            _ => $"Under our medical policy, {modality} is {finding} for you. The policy says:",
        }));
        var source = policy is null ? "" : $"Policy {policy.Id}, version {policy.Version}";
        foreach (var citation in line.Line.Citations.Where(c => c.Section is not null))
            blocks.Add(new NoticeQuote(citation.Text, source.Length == 0 ? citation.Section! : $"{source}, section \"{citation.Section}\""));

        // The specific criteria the decision rests on (29 CFR 2560.503-1(g)(1)(i)-(ii)): each unmet one in the policy's words.
        var unmet = line.CriteriaWith(CriterionResult.Unmet).ToList();
        if (unmet.Count > 0)
        {
            blocks.Add(new NoticeParagraph(unmet.Count == 1
                ? "The policy's criteria were compared with your records. This criterion was not met:"
                : $"The policy's criteria were compared with your records. These {unmet.Count} criteria were not met:"));
            blocks.Add(new NoticeBullets([.. unmet.Select(Described)]));
        }
        var unknown = line.CriteriaWith(CriterionResult.Unknown).ToList();
        if (unknown.Count > 0)
        {
            blocks.Add(new NoticeParagraph("Your records did not show whether these criteria are met:"));
            blocks.Add(new NoticeBullets([.. unknown.Select(Described)]));
        }
        var met = line.CriteriaWith(CriterionResult.Met).ToList();
        if (met.Count > 0 && unmet.Count > 0)
        {
            blocks.Add(new NoticeParagraph("These criteria were met:"));
            blocks.Add(new NoticeBullets([.. met.Select(Described)]));
        }
        return blocks;
    }

    private static string Described(CriterionFinding criterion) => $"{criterion.Text.TrimEnd('.')} (policy section \"{criterion.Section}\").";

    /// <summary>A policy of statements by indication denies the service for the diagnoses at hand, not for every patient.</summary>
    private static string ForIndication(LineDetails line) =>
        line.PolicyVersion?.Rules.Count > 0 ? " with the diagnoses on this request" : "";

    private NoticeSection PolicySection(LineDetails line, PolicyReference policy)
    {
        var catalogued = line.Policy;
        var version = line.PolicyVersion;
        var effective = version is null ? policy.Version : Words.Date(version.Effective);
        var publisher = catalogued is null ? "" : $", published by {catalogued.Publisher}";
        return new("The policy we used",
        [
            new NoticeDefinitions(
            [
                new("Policy number", policy.Id),
                new("Title", policy.Title),
                new("Version", $"{policy.Version} (in effect from {effective}){publisher}"),
            ]),
            new NoticeParagraph($"You can ask for a free copy of this policy, and of every document, record and other information we used for this decision. " +
                $"There is no charge. Contact {Plan.Contact}."),
        ]);
    }

    private static List<NoticeBlock> Rationale(CaseDetails details, LineDetails line)
    {
        var decision = line.Decision!;
        var blocks = new List<NoticeBlock>
        {
            new NoticeParagraph("The physician reviewer explained the decision as follows:"),
            new NoticeQuote(decision.Rationale, $"{decision.ReviewerName}, physician reviewer, {Words.Date(decision.DecidedAt)}"),
        };

        var facts = MemberFacts(details, line);
        if (facts.Count > 0)
        {
            blocks.Add(new NoticeParagraph("These are the facts from your request and records that the reviewer considered:"));
            blocks.Add(new NoticeBullets(facts));
        }

        if (line.Line.FdaLabel is { Device: not null } label)
        {
            blocks.Add(new NoticeParagraph(
                $"The {label.Device}{(label.Manufacturer is null ? "" : $" made by {label.Manufacturer}")} is authorized by the U.S. Food and Drug Administration " +
                $"({label.Authorization}) for patients who meet every point below. This is how your records compare:"));
            blocks.Add(new NoticeBullets(label.Criteria.Select(c => $"{c.Text}: {Compared(c.Result)}").ToList()));
            blocks.Add(new NoticeParagraph(label.Status switch
            {
                FdaLabelStatus.OnLabel => "Your situation matches the device's authorized use on every point. " +
                    "FDA authorization means the device may be sold for that use; it does not by itself make the treatment medically necessary under the policy.",
                FdaLabelStatus.OffLabel => "Your situation is outside the device's authorized use on at least one point.",
                _ => "Your records did not tell us about every point, so we could not say whether your situation matches the device's authorized use.",
            }));
        }
        return blocks;
    }

    private static string Compared(CriterionResult result) => result switch
    {
        CriterionResult.Met => "yes",
        CriterionResult.Unmet => "no",
        _ => "not shown in the records we received",
    };

    /// <summary>The member's age, sex and place of service, and each clinical fact the request stated, in the catalogue's order and words.</summary>
    private static List<string> MemberFacts(CaseDetails details, LineDetails line)
    {
        var facts = new List<string>();
        if (details.AgeOnDateOfService is { } age) facts.Add($"Age on the date of service: {age} years");
        if (details.Request.Member.Sex is { } sex) facts.Add($"Sex: {sex}");
        var place = line.ServiceLine is null ? details.Request.PlaceOfService : details.Request.PlaceOfServiceOf(line.ServiceLine);
        if (place is not null) facts.Add($"Place of service (CMS code): {place}");
        var stated = details.Request.Clinical;
        var definitions = details.Catalogue.Facts;
        foreach (var definition in definitions.All)
            if (stated.TryGet(definition.Name, out var value)) facts.Add(CaseDetails.FactText(definition, definition.Name, value));
        foreach (var (name, value) in stated.All)
            if (definitions.Find(name) is null) facts.Add(CaseDetails.FactText(null, name, value));
        return facts;
    }

    private static List<NoticeFact> Codes(CaseDetails details, LineDetails line)
    {
        var codes = new List<NoticeFact>
        {
            new($"Procedure {line.Line.Code}", line.Code?.Description ?? "a procedure code"),
        };
        var condition = line.Policy?.Condition;
        foreach (var diagnosis in details.Request.Diagnoses)
        {
            var display = CodeFormats.DisplayIcd10(diagnosis);
            var named = condition is not null && condition.Contains(diagnosis) ? condition.Name
                : line.Policy?.Indications.FirstOrDefault(i => i.Diagnoses.Contains(diagnosis))?.Diagnoses.Name;
            codes.Add(new($"Diagnosis {display}", named is not null
                ? $"a diagnosis of {named.ToLowerInvariant()} (ICD-10-CM)"
                : "a diagnosis code your doctor sent (ICD-10-CM)"));
        }
        foreach (var reason in line.Line.ReasonCodes)
        {
            var meaning = ReasonCodes.Meaning(reason.System, reason.Code) ?? "see the standard list of claim adjustment codes";
            var group = ReasonCodes.Group(reason.Group);
            codes.Add(new($"Reason {reason.System} {reason.Code}", group is null ? meaning : $"{meaning} Group {reason.Group}: {group}."));
        }
        return codes;
    }

    private List<NoticeBlock> WhatCouldChange(LineDetails line)
    {
        var blocks = new List<NoticeBlock>();
        var missing = (line.Line.InformationNeeded ?? []).ToList();
        if (line.Line.GovernedBy is GoverningSource.Plan or GoverningSource.Mandate && line.Line.FdaLabel is { } label)
            missing.AddRange(label.Criteria.Where(c => c.Result == CriterionResult.Unknown).Select(c => $"Records showing whether this is true: {c.Text.TrimEnd('.')}."));
        if (missing.Count == 0)
            missing.AddRange(line.CriteriaWith(CriterionResult.Unknown).Select(c => $"Records showing whether this is met: {c.Text.TrimEnd('.')}."));
        if (line.CriteriaWith(CriterionResult.Unmet).Any())
            missing.Add("Records showing that a criterion listed above as not met is in fact met in your case.");
        if (missing.Count > 0)
        {
            blocks.Add(new NoticeParagraph("This information was missing and could change the decision:"));
            blocks.Add(new NoticeBullets(missing));
        }
        if (line.Line.GovernedBy is null or GoverningSource.Policy && DeniedForEveryone(line))
            blocks.Add(new NoticeParagraph("The policy considers this treatment not medically necessary for every patient, so more medical records about your " +
                "condition are unlikely to change the decision by themselves. The decision could change if:"));
        else
            blocks.Add(new NoticeParagraph("The decision could also change if:"));
        blocks.Add(new NoticeBullets(
        [
            "your plan includes a benefit that covers this treatment (for example, a rider) that we did not apply; ask " + Plan.Contact + ";",
            "the request described or coded the treatment wrongly, and your doctor sends a corrected request;",
            "your doctor sends, with an appeal, a letter or published studies showing why this treatment is needed for you.",
        ]));
        return blocks;
    }

    private List<NoticeBlock> Appeal(CaseDetails details) =>
    [
        new NoticeParagraph("You, or someone you choose to act for you, such as your doctor, can ask us to look at this decision again. This is called an " +
            $"internal appeal. You must ask within {AppealDays} days of the day you receive this notice."),
        new NoticeParagraph($"To appeal, call or write to {Plan.Contact}, or write to {Plan.AppealAddress}. Tell us your member ID, the request number " +
            $"{details.Case.RequestId ?? details.Case.Id.ToString()} and that you are appealing this decision. You can send comments, medical records, " +
            "letters and any other information. A physician who did not take part in this decision will review everything you send."),
        new NoticeParagraph(details.Case.Kind == "claim"
            ? "We will answer your appeal within 60 days of receiving it."
            : "We will answer your appeal within 30 days of receiving it, because you have not had the service yet."),
        new NoticeParagraph("Your doctor can also ask to talk with the physician reviewer about this decision."),
    ];

    private static string Slug(string value) =>
        new(value.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-' ? ch : '-').ToArray());
}
