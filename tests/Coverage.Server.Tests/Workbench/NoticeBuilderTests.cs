using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Server.Workbench;
using Coverage.Server.Workbench.Notices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PdfSharp.Pdf.IO;

namespace Coverage.Server.Tests.Workbench;

/// <summary>The adverse determination notice: built from the case and the catalogue, only for upheld denials; its PDF opens.</summary>
public sealed class NoticeBuilderTests
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);
    private static readonly DateTime DecidedAt = new(2026, 11, 26, 14, 30, 0, DateTimeKind.Utc);
    private const string Rationale = "Not medically necessary under policy 0540; the evidence for cryoablation is insufficient.";

    internal static readonly NoticeBuilder Builder = new(Options.Create(new WorkbenchOptions
    {
        Notice = new NoticeOptions { PlanName = "Example Health Plan", Contact = "Member Services at 1-800-555-0100", AppealAddress = "PO Box 1, Example" },
    }));

    internal static CaseDetails Case(string sample, string? action, Action<System.Text.Json.Nodes.JsonObject>? change = null, string rationale = Rationale)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(CoverageApp.Sample(sample))!.AsObject();
        change?.Invoke(node);
        var request = RequestReader.Read(node.ToJsonString(), Catalogue).Request!;
        var determination = new Evaluator(Catalogue, new FakeTimeProvider(CoverageApp.Start)).Evaluate(request);
        var view = new CaseView
        {
            Id = Guid.NewGuid(), RequestId = request.RequestId, MemberId = request.Member.Id, Kind = "prior-authorization", Priority = "standard",
            Status = action is null ? CaseStatus.PendingPhysicianReview : CaseStatus.Final, Outcome = "not-covered",
            ReceivedAt = CoverageApp.Start.UtcDateTime, DueAt = CoverageApp.Start.UtcDateTime.AddDays(7), UpdatedAt = DecidedAt, Revision = 1,
            RequestJson = RequestWriter.ToJson(request), DeterminationJson = DeterminationWriter.ToUtf8Json(determination),
            Decisions = action is null ? [] : [new DecisionView(1, action, rationale, "dr-lee", "Dr. Grace Lee", "physician", DecidedAt)],
        };
        return CaseDetails.From(view, Catalogue);
    }

    private static string Text(AdverseNotice notice) => string.Join("\n",
        notice.Summary.Select(f => $"{f.Label}: {f.Value}").Concat(notice.Sections.SelectMany(s => s.Blocks.Select(b => b switch
        {
            NoticeParagraph p => p.Text,
            NoticeBullets l => string.Join("\n", l.Items),
            NoticeQuote q => $"{q.Text} — {q.Source}",
            NoticeDefinitions d => string.Join("\n", d.Items.Select(i => $"{i.Label}: {i.Value}")),
            _ => "",
        }).Prepend(s.Heading))));

    [Fact]
    public void ALeapDayBirth_IsTheSameAgeOnTheCasePageAndInTheNoticeAsInTheEngine()
    {
        // Born 29 February 1956; the service on 28 February 2026 (a common year): still 69, the engine's rule.
        var details = Case("cryoablation-prior-auth.json", DecisionActions.Uphold, r =>
        {
            r["member"]!["birthDate"] = "1956-02-29";
            r["dateOfService"] = "2026-02-28";
        });

        Assert.Equal(69, details.AgeOnDateOfService);
        Assert.Equal(Coverage.Engine.Model.MemberAge.On(new DateOnly(1956, 2, 29), new DateOnly(2026, 2, 28)), details.AgeOnDateOfService);
        Assert.Contains("Age on the date of service: 69 years", Text(Builder.Build(details, 1)!), StringComparison.Ordinal);
    }

    [Fact]
    public void UpheldDenial_NoticeCarriesEveryRequiredPart()
    {
        var notice = Builder.Build(Case("cryoablation-prior-auth.json", DecisionActions.Uphold), 1)!;
        var text = Text(notice);

        Assert.Equal(
            ["What we decided", "Why: the specific reason", "The policy we used", "How the reviewer applied the policy to you", "Codes used in this decision",
             "What could change this decision", "Your right to appeal", "If your situation is urgent: a fast (expedited) appeal", "Independent external review", "Your care"],
            notice.Sections.Select(s => s.Heading));
        // The specific reason: the coverage statement of the version in force, quoted with policy and version.
        Assert.Contains("The following ablative treatments for malignant breast tumors are considered not medically necessary: Cryoablation;", text, StringComparison.Ordinal);
        Assert.Contains("Policy 0540, version 2026-03-15, section \"Coverage Policy\"", text, StringComparison.Ordinal);
        Assert.Contains("Policy number: 0540", text, StringComparison.Ordinal);
        Assert.Contains("Title: Ablative Treatments for Malignant Breast Tumors", text, StringComparison.Ordinal);
        Assert.Contains("free copy of this policy", text, StringComparison.Ordinal);
        // The clinical rationale applied to this member: the physician's words, her facts, the FDA label criterion by criterion.
        Assert.Contains(Rationale, text, StringComparison.Ordinal);
        Assert.Contains("Age on the date of service: 74 years", text, StringComparison.Ordinal);
        Assert.Contains("Histologic type: infiltrating ductal carcinoma", text, StringComparison.Ordinal);
        Assert.Contains("Tumor is 1.5 cm or smaller: yes", text, StringComparison.Ordinal);
        Assert.Contains("ProSense Cryoablation System", text, StringComparison.Ordinal);
        // Codes and their meanings, from the catalogue and the X12 lists.
        Assert.Contains("Procedure 0581T: Ablation, malignant breast tumor(s), percutaneous, cryotherapy", text, StringComparison.Ordinal);
        Assert.Contains("Diagnosis C50.411: a diagnosis of malignant breast tumor", text, StringComparison.Ordinal);
        Assert.Contains("Reason CARC 50: These are non-covered services because this is not deemed a 'medical necessity' by the payer.", text, StringComparison.Ordinal);
        // Appeal rights and time limits; expedited and external review; the configured contact.
        Assert.Contains("within 180 days", text, StringComparison.Ordinal);
        Assert.Contains("within 72 hours", text, StringComparison.Ordinal);
        Assert.Contains("independent review organization", text, StringComparison.Ordinal);
        Assert.Contains("Member Services at 1-800-555-0100", text, StringComparison.Ordinal);
        Assert.Equal("Example Health Plan", notice.PlanName);
        // Plain language: none of the engine's internal words.
        foreach (var jargon in new[] { "not-medically-necessary", "requiresPhysicianReview", "governedBy", "trace", "on-label", "pending-" })
            Assert.DoesNotContain(jargon, text, StringComparison.Ordinal);
    }

    [Fact]
    public void OffLabelMember_NoticeSaysWhichCriteriaAreNotMet()
    {
        var details = Case("cryoablation-rider-on-label.json", DecisionActions.Uphold, r => r["clinical"]!["tumorSizeCm"] = 3.0);

        var text = Text(Builder.Build(details, 1)!);

        Assert.Contains("Tumor is 1.5 cm or smaller: no", text, StringComparison.Ordinal);
        Assert.Contains("outside the device's authorized use", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DecisionActions.Overturn)]
    public void LineNotUpheld_HasNoNotice(string? action)
    {
        Assert.Null(Builder.Build(Case("cryoablation-prior-auth.json", action), 1));
    }

    [Fact]
    public void UnknownLine_HasNoNotice()
    {
        Assert.Null(Builder.Build(Case("cryoablation-prior-auth.json", DecisionActions.Uphold), 2));
    }

    [Fact]
    public void Pdf_OpensWithTitleAndPagesAndEmbedsTheFont()
    {
        var bytes = NoticePdf.Render(Builder.Build(Case("cryoablation-prior-auth.json", DecisionActions.Uphold), 1)!);

        using var stream = new MemoryStream(bytes);
        using var pdf = PdfReader.Open(stream, PdfDocumentOpenMode.Import);
        Assert.Equal("Notice of adverse benefit determination", pdf.Info.Title);
        Assert.InRange(pdf.PageCount, 2, 8);
        Assert.Contains("DejaVu#20Sans", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
    }
}
