using System.Net;
using System.Text;
using System.Text.Json;
using Coverage.Fhir.Crd;
using Coverage.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// CDS Hooks 2.0 feedback (POST /cds-services/{id}/feedback): what the user did with the service's cards, kept as an
/// audit event of the service; a body that is not Feedback is refused naming the field.
/// </summary>
public sealed class CdsFeedbackTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Card = "9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f";
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public CdsFeedbackTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> Send(string service, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri($"/cds-services/{service}/feedback", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<List<AuditEventView>> Audited(string service)
    {
        using var scope = _app.Services.CreateScope();
        return [.. (await scope.ServiceProvider.GetRequiredService<ServiceAudit>().SearchAsync(null, $"cds-hooks/{service}", 50, CancellationToken.None)).Select(e => e.Event)];
    }

    [Fact]
    public async Task AnOverrideWithItsReason_IsAnsweredAndAudited()
    {
        var (status, _) = await Send("order-sign", $$$"""
            {"feedback":[{"card":"{{{Card}}}","outcome":"overridden","outcomeTimestamp":"2026-11-25T09:30:00Z",
              "overrideReason":{"reason":{"system":"http://example.org/override-reasons","code":"urgent","display":"Urgent: treat now"},
                                "userComment":"Tumour board decision already made"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var audited = Assert.Single(await Audited("order-sign"), e => e.Action == "hook-feedback");
        Assert.Equal($"card {Card}: overridden at 2026-11-25T09:30:00Z; reason \"http://example.org/override-reasons\"|\"urgent\" (\"Urgent: treat now\"); comment \"Tumour board decision already made\"", audited.Detail);
    }

    [Fact]
    public async Task AComment_IsAuditedExactly_ItsLineBreaksQuotesAndLettersKept()
    {
        // Before, the comment's line breaks became '?' (an audited text has no control characters) and an emoji two
        // '?': the audit did not say what the user wrote. Now every word the user chose is a JSON string literal.
        const string comment = "Tumour board, 2 Dec:\n\t\"proceed\" — Ørsted 😀\\ok";
        var (status, _) = await Send("appointment-book", JsonSerializer.Serialize(new
        {
            feedback = new[] { new { card = Card, outcome = "overridden", outcomeTimestamp = "2026-11-25T09:30:00Z", overrideReason = new { userComment = comment } } },
        }));

        Assert.Equal(HttpStatusCode.OK, status);
        var audited = Assert.Single(await Audited("appointment-book"), e => e.Action == "hook-feedback");
        var literal = audited.Detail[(audited.Detail.IndexOf("; comment ", StringComparison.Ordinal) + "; comment ".Length)..];
        Assert.Equal(comment, JsonSerializer.Deserialize<string>(literal));
        Assert.DoesNotContain('?', audited.Detail);
        Assert.Contains("Ørsted", audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAcceptanceWithSuggestions_AndSeveralEntries_AreOneAuditEvent()
    {
        var (status, _) = await Send("order-select", $$$"""
            {"feedback":[{"card":"{{{Card}}}","outcome":"accepted","acceptedSuggestions":[{"id":"s-1"}],"outcomeTimestamp":"2026-11-25T10:00:00.250+01:00"},
                         {"card":"{{{Guid.Empty}}}","outcome":"overridden","outcomeTimestamp":"2026-11-25T09:01:00Z"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var audited = Assert.Single(await Audited("order-select"), e => e.Action == "hook-feedback");
        Assert.Equal($"card {Card}: accepted at 2026-11-25T09:00:00Z; suggestions \"s-1\" / card {Guid.Empty}: overridden at 2026-11-25T09:01:00Z", audited.Detail);
    }

    [Fact]
    public async Task Feedback_IsAnOperationInTheFhirAuditEvents()
    {
        await Send("encounter-start", $$$"""{"feedback":[{"card":"{{{Card}}}","outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""");

        var bundle = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/fhir/AuditEvent?subject=cds-hooks/encounter-start", UriKind.Relative))).RootElement;

        var audit = bundle.GetProperty("entry")[0].GetProperty("resource");
        Assert.Equal("operation", audit.GetProperty("subtype")[0].GetProperty("code").GetString());
        Assert.Equal("hook-feedback", audit.GetProperty("subtype")[1].GetProperty("code").GetString());
        Assert.Equal("E", audit.GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("[]", "The feedback must be a JSON object.")]
    [InlineData("{}", "feedback: required (an array of Feedback entries)")]
    [InlineData("""{"feedback":[]}""", "feedback: at least one entry")]
    [InlineData("""{"feedback":[{"outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].card: required (the card's uuid)")]
    [InlineData("""{"feedback":[{"card":"card-1","outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].card: 'card-1' is not the uuid of a card")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"ignored","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].outcome: 'ignored' is not accepted or overridden")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"accepted"}]}""", "feedback[0].outcomeTimestamp: required (when the user acted)")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"accepted","outcomeTimestamp":"2026-11-25"}]}""", "feedback[0].outcomeTimestamp: '2026-11-25' is not an instant")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00"}]}""", "is not an instant")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","acceptedSuggestions":[{"id":"s-1"}],"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].acceptedSuggestions: only with the outcome accepted (cds-fb-1)")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"accepted","overrideReason":{"userComment":"x"},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason: only with the outcome overridden (cds-fb-2)")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason: a reason or a userComment (cds-fb-3)")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{"reason":{"code":"x"}},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason.reason: system and code required")]
    public async Task FeedbackThatIsNotFeedback_Is400NamingTheField(string body, string reason)
    {
        var (status, text) = await Send("order-sign", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = JsonDocument.Parse(text).RootElement.GetProperty("issue")[0];
        Assert.Contains(reason, issue.GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        Assert.Contains(await Audited("order-sign"), e => e.Action == "feedback-refused" && e.Detail.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"feedback":[{"card":5,"outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].card", "must be a string")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":["accepted"],"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].outcome", "must be a string")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{"userComment":{"text":"x"}},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason.userComment", "must be a string")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{"userComment":"a\u0000b"},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason.userComment", "must not contain control characters")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{"reason":{"system":"https://payer.example/r","code":"a\tb"}},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""", "feedback[0].overrideReason.reason.code", "must not contain control characters")]
    [InlineData("""{"feedback":[{"card":"9f3e0c0e-5a1c-4d7b-9d7e-1a2b3c4d5e6f","outcome":"overridden","overrideReason":{"reason":{"system":"https://payer.example/r","code":"other"},"userComment":"x"},"outcomeTimestamp":"2026-11-25T09:30:00Z"},{"card":"x"}]}""", "feedback[1].card", "is not the uuid of a card")]
    public async Task AMemberOfTheWrongTypeOrWithAControlCharacter_Is400_TheIssueNamingItsPath(string body, string expression, string reason)
    {
        var (status, text) = await Send("order-sign", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = JsonDocument.Parse(text).RootElement.GetProperty("issue")[0];
        Assert.Equal(expression, issue.GetProperty("expression")[0].GetString());
        Assert.Contains(reason, issue.GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongReasonTextsAndManySuggestions_AreRefused_NothingUnboundedReachesTheAudit()
    {
        var code = new string('c', 129);
        var display = new string('d', CdsFeedback.MaxReasonText + 1);
        var suggestions = string.Join(",", Enumerable.Range(0, CdsFeedback.MaxSuggestions + 1).Select(i => $$"""{"id":"s-{{i}}"}"""));

        var (longCode, codeText) = await Send("order-sign", $$$"""{"feedback":[{"card":"{{{Card}}}","outcome":"overridden","overrideReason":{"reason":{"system":"https://payer.example/r","code":"{{{code}}}"}},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""");
        var (longDisplay, displayText) = await Send("order-sign", $$$"""{"feedback":[{"card":"{{{Card}}}","outcome":"overridden","overrideReason":{"reason":{"system":"https://payer.example/r","code":"other","display":"{{{display}}}"}},"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""");
        var (many, manyText) = await Send("order-sign", $$$"""{"feedback":[{"card":"{{{Card}}}","outcome":"accepted","acceptedSuggestions":[{{{suggestions}}}],"outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, longCode);
        Assert.Contains("feedback[0].overrideReason.reason.code: at most 128 characters", codeText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longDisplay);
        Assert.Contains($"feedback[0].overrideReason.reason.display: at most {CdsFeedback.MaxReasonText} characters", displayText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, many);
        Assert.Contains($"feedback[0].acceptedSuggestions: at most {CdsFeedback.MaxSuggestions} suggestions", manyText, StringComparison.Ordinal);
        Assert.DoesNotContain(await Audited("order-sign"), e => e.Detail.Contains("ccccccccccccccccccccccccccccccccc", StringComparison.Ordinal) || e.Detail.Contains("ddddddddddddddddddddddddddd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooManyEntries_AreRefused()
    {
        var entry = $$$"""{"card":"{{{Card}}}","outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}""";
        var (status, text) = await Send("order-sign", $"{{\"feedback\":[{string.Join(",", Enumerable.Repeat(entry, 101))}]}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 100 entries", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownService_Is404()
    {
        var (status, _) = await Send("no-such-service", $$$"""{"feedback":[{"card":"{{{Card}}}","outcome":"accepted","outcomeTimestamp":"2026-11-25T09:30:00Z"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
