using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench.Notices;

/// <summary>
/// The notice of an appeal's decision, in the same model as the adverse determination notice (so the PDF renders it):
/// for each appealed line the decision and its specific reason (the appeal physician's rationale), the rule relied on
/// (the policy and version in force on the date of service, and the passages the determination cites), and — unless
/// every line was overturned — the member's right to an external review and how to ask for it, as the plan's line of
/// business sets it (29 CFR 2560.503-1(j); 45 CFR 147.136(d); 42 CFR 422.592(a); 42 CFR 438.408(f)).
/// </summary>
public sealed class AppealNoticeBuilder(IOptions<WorkbenchOptions> options)
{
    private NoticeOptions Plan => options.Value.Notice;

    /// <summary>The notice of a decided appeal; null when the case is not an appeal or is not decided yet.</summary>
    public AdverseNotice? Build(CaseView appeal)
    {
        if (appeal.Appeal is not { Result: { } result } filed) return null;
        var determination = DeterminationReader.Read(appeal.DeterminationJson);
        var decidedAt = appeal.FirstDecidedAt ?? appeal.UpdatedAt;
        var summary = new List<NoticeFact>
        {
            new("Appeal", appeal.Id.ToString()),
            new("Original request", filed.Of.ToString()),
            new("Member", appeal.MemberId ?? "not stated"),
            new("Decision", result switch
            {
                AppealResults.Overturned => "We reversed our decision: the services you appealed are approved.",
                AppealResults.PartiallyOverturned => "We reversed our decision in part: some of the services you appealed are approved.",
                _ => "We kept our decision: the services you appealed are not approved.",
            }),
            new("Date of this decision", $"{decidedAt:MMMM d, yyyy}"),
        };
        var sections = new List<NoticeSection>();
        foreach (var sequence in filed.Lines)
        {
            var line = determination.Lines.FirstOrDefault(l => l.Sequence == sequence);
            var decision = appeal.Decisions.FirstOrDefault(d => d.Sequence == sequence);
            if (line is null || decision is null) continue;
            var blocks = new List<NoticeBlock>
            {
                new NoticeParagraph(decision.Action == DecisionActions.Overturn
                    ? $"Approved on appeal. Service {line.Code}, date of service {line.DateOfService:MMMM d, yyyy}."
                    : $"Not approved on appeal. Service {line.Code}, date of service {line.DateOfService:MMMM d, yyyy}."),
                new NoticeQuote(decision.Rationale, $"The specific reason, by the reviewing physician ({decision.ReviewerName}), who took no part in the first decision"),
            };
            if (decision.Action == DecisionActions.Uphold)
            {
                blocks.Add(new NoticeParagraph(line.Policy is { } policy
                    ? $"The rule we relied on: coverage policy {policy.Id} \"{policy.Title}\", version {policy.Version}, the version in force on the date of service."
                    : "The rule we relied on: the terms of your plan quoted below."));
                blocks.AddRange(line.Citations.Select(c => (NoticeBlock)new NoticeQuote(c.Text, c.Section ?? "The policy")));
                blocks.Add(new NoticeParagraph("You may ask for, free of charge, copies of every document, record and other information relevant to your claim, including the policy quoted above."));
            }
            sections.Add(new($"Line {sequence}: {line.Code}", blocks));
        }
        if (result != AppealResults.Overturned) sections.Add(new("Your right to an independent external review", ExternalReview(appeal.LineOfBusiness)));
        sections.Add(new("Questions", [new NoticeParagraph($"Contact {Plan.Contact}. You can ask for this notice in another language or format.")]));
        return new AdverseNotice("Decision on your appeal", Plan.PlanName, decidedAt, summary, sections, $"appeal-notice-{appeal.Id}.pdf");
    }

    private List<NoticeBlock> ExternalReview(string? lineOfBusiness) => lineOfBusiness switch
    {
        LinesOfBusiness.MedicareAdvantage =>
        [
            new NoticeParagraph("Because we did not decide fully in your favour, we are sending your case automatically to the Independent Review Entity " +
                "contracted by Medicare (42 CFR 422.592(a)). You do not need to do anything; the Independent Review Entity will write to you with its decision."),
        ],
        LinesOfBusiness.Medicaid or LinesOfBusiness.Chip =>
        [
            new NoticeParagraph("You can ask for a State fair hearing within 120 days of the date of this notice (42 CFR 438.408(f)); your State may also offer an " +
                "external medical review. To ask, contact your State Medicaid agency, or " + Plan.Contact + ", who will tell you how."),
        ],
        _ =>
        [
            new NoticeParagraph("You can ask for an external review by an independent review organization not connected with us (45 CFR 147.136(d)). " +
                "Ask within 4 months of the date you receive this notice. If the independent reviewer decides the service should be covered, we must follow that decision."),
            new NoticeParagraph($"To ask for an external review, contact {Plan.Contact}. If your situation is urgent, you can ask for an expedited external review. " +
                "Under ERISA you also have the right to bring a civil action under section 502(a) of the Act."),
        ],
    };
}
