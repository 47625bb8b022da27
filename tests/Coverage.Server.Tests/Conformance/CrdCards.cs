using System.Text.Json;

namespace Coverage.Server.Tests.Conformance;

/// <summary>
/// CDS Hooks cards as the Inferno CRD server kit checks and identifies them
/// (inferno-framework/davinci-crd-test-kit lib/davinci_crd_test_kit/cards_validation.rb, cards_identification.rb).
/// </summary>
internal static class CrdCards
{
    private static readonly string[] Indicators = ["info", "warning", "critical"];
    private static readonly string[] LinkTypes = ["absolute", "smart"];

    /// <summary>The kit's cards_validation (crd_service_response_validation, crd_card_optional_fields_validation) of one card.</summary>
    public static void AssertKitValid(JsonElement card)
    {
        var summary = card.GetProperty("summary").GetString()!;
        Assert.True(summary.Length < 140, $"summary over the 140-character limit: {summary}");
        Assert.Contains(card.GetProperty("indicator").GetString(), Indicators);
        var source = card.GetProperty("source");
        Assert.False(string.IsNullOrEmpty(source.GetProperty("label").GetString()));
        Assert.False(string.IsNullOrEmpty(source.GetProperty("topic").GetProperty("system").GetString()));
        Assert.False(string.IsNullOrEmpty(source.GetProperty("topic").GetProperty("code").GetString()));
        Assert.True(Guid.TryParse(card.GetProperty("uuid").GetString(), out _));
        if (card.TryGetProperty("links", out var links))
            foreach (var link in links.EnumerateArray())
            {
                Assert.False(string.IsNullOrEmpty(link.GetProperty("label").GetString()));
                Assert.True(Uri.TryCreate(link.GetProperty("url").GetString(), UriKind.Absolute, out _));
                Assert.Contains(link.GetProperty("type").GetString(), LinkTypes);
            }
    }

    /// <summary>The kit's cards_identification: an External Reference card has links, all absolute.</summary>
    public static bool IsExternalReference(JsonElement card) =>
        card.TryGetProperty("links", out var links) && links.GetArrayLength() > 0 && links.EnumerateArray().All(l => l.GetProperty("type").GetString() == "absolute");

    /// <summary>The kit's cards_identification: an Instructions card has neither links nor suggestions.</summary>
    public static bool IsInstructions(JsonElement card) =>
        !(card.TryGetProperty("links", out var links) && links.GetArrayLength() > 0) && !(card.TryGetProperty("suggestions", out var suggestions) && suggestions.GetArrayLength() > 0);

    public static List<string> AssociatedResources(JsonElement card) =>
        card.TryGetProperty("extension", out var extension) && extension.TryGetProperty("davinci-crd.associated-resource", out var associated)
            ? [.. associated.EnumerateArray().Select(r => r.GetString()!)]
            : [];

    /// <summary>
    /// resp-25: coverage information is never a card. Every card is valid as the kit checks it, none carries the
    /// coverage-information extension (in a suggestion) or has the coverage-info card type.
    /// </summary>
    public static void AssertNoneRepeatsCoverageInformation(JsonElement body)
    {
        foreach (var card in body.GetProperty("cards").EnumerateArray())
        {
            AssertKitValid(card);
            Assert.DoesNotContain("ext-coverage-information", card.GetRawText(), StringComparison.Ordinal);
            Assert.NotEqual("coverage-info", card.GetProperty("source").GetProperty("topic").GetProperty("code").GetString());
        }
    }
}
