using System.Text.Json;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>request-and-determination.md: the determination JSON, property names and enumeration strings exactly as the contract.</summary>
public class DeterminationWriterTests
{
    private static readonly string[] KebabLineOutcomes =
        ["not-medically-necessary", "covered", "excluded-by-plan", "invalid-code", "invalid-coding", "information-required", "not-addressed",
         "experimental-investigational-unproven", "not-covered"];

    private static readonly string[] KebabRequestOutcomes = ["covered", "not-covered", "partially-covered", "pended", "not-addressed"];

    [Fact]
    public void ToJson_Determination_HasContractPropertiesAtTopLevel()
    {
        using var json = Write(new RequestBuilder());
        var root = json.RootElement;

        Assert.Equal("T-1", root.GetProperty("requestId").GetString());
        Assert.Equal("not-covered", root.GetProperty("outcome").GetString());
        Assert.True(root.GetProperty("requiresPhysicianReview").GetBoolean());
        Assert.Equal("2026-11-25T12:00:00.000Z", root.GetProperty("evaluatedAt").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("engineVersion").GetString()));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("lines").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public void ToJson_NotMedicallyNecessaryCryoablation_HasEveryContractLineProperty()
    {
        using var json = Write(new RequestBuilder());
        var line = Assert.Single(json.RootElement.GetProperty("lines").EnumerateArray().ToList());

        Assert.Equal(1, line.GetProperty("sequence").GetInt32());
        Assert.Equal("0581T", line.GetProperty("code").GetString());
        Assert.Equal("not-medically-necessary", line.GetProperty("outcome").GetString());
        Assert.Equal("cryoablation", line.GetProperty("modality").GetString());
        Assert.Equal("policy", line.GetProperty("governedBy").GetString());
        var policy = line.GetProperty("policy");
        Assert.Equal("0540", policy.GetProperty("id").GetString());
        Assert.Equal("2026-03-15", policy.GetProperty("version").GetString());
        Assert.Equal("Ablative Treatments for Malignant Breast Tumors", policy.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("relatedPolicy").ValueKind);
        var reason = Assert.Single(line.GetProperty("reasonCodes").EnumerateArray().ToList());
        Assert.Equal("CARC", reason.GetProperty("system").GetString());
        Assert.Equal("50", reason.GetProperty("code").GetString());
        Assert.Equal("CO", reason.GetProperty("group").GetString());
        Assert.True(line.GetProperty("requiresPhysicianReview").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(line.GetProperty("rationale").GetString()));
        Assert.NotEmpty(line.GetProperty("trace").EnumerateArray());
        var label = line.GetProperty("fdaLabel");
        Assert.Equal("ProSense Cryoablation System", label.GetProperty("device").GetString());
        Assert.Equal("DEN220077", label.GetProperty("authorization").GetString());
        Assert.Equal("on-label", label.GetProperty("status").GetString());
        Assert.Empty(label.GetProperty("unmet").EnumerateArray());
        Assert.Empty(label.GetProperty("unknown").EnumerateArray());
    }

    [Fact]
    public void ToJson_Citations_AreSectionOrNumberedReference()
    {
        using var json = Write(new RequestBuilder());
        var citations = json.RootElement.GetProperty("lines")[0].GetProperty("citations").EnumerateArray().ToList();

        Assert.Contains(citations, c => c.TryGetProperty("section", out var s) && s.GetString() == "Coverage Policy");
        Assert.Contains(citations, c => c.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.Number);
        Assert.All(citations, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("text").GetString()));
            Assert.True(c.TryGetProperty("section", out _) || c.TryGetProperty("reference", out _));
        });
    }

    [Fact]
    public void ToJson_OffLabel_ListsUnmetAndUnknownIds()
    {
        using var json = Write(new RequestBuilder().Fact("recurrent", true).Fact("nodalStatus", null));
        var label = json.RootElement.GetProperty("lines")[0].GetProperty("fdaLabel");

        Assert.Equal("off-label", label.GetProperty("status").GetString());
        Assert.Equal(["not-recurrent"], label.GetProperty("unmet").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["clinically-node-negative"], label.GetProperty("unknown").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("19499", "microwave ablation")]
    [InlineData("0971T", null)]
    public void ToJson_NoAuthorizedDevice_StillHasEmptyUnmetAndUnknown(string code, string? description)
    {
        using var json = Write(new RequestBuilder().Line(code, description));
        var label = json.RootElement.GetProperty("lines")[0].GetProperty("fdaLabel");

        Assert.Equal("no-authorized-device", label.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, label.GetProperty("unmet").ValueKind);
        Assert.Equal(JsonValueKind.Array, label.GetProperty("unknown").ValueKind);
        Assert.Empty(label.GetProperty("unmet").EnumerateArray());
        Assert.Empty(label.GetProperty("unknown").EnumerateArray());
    }

    [Fact]
    public void ToJson_InformationRequired_RarcHasNoGroup()
    {
        using var json = Write(new RequestBuilder().Line("19499"));
        var line = json.RootElement.GetProperty("lines")[0];
        var reasons = line.GetProperty("reasonCodes").EnumerateArray().ToList();

        Assert.Equal("information-required", line.GetProperty("outcome").GetString());
        Assert.Equal(2, reasons.Count);
        Assert.Equal(("CARC", "16", "CO"), (reasons[0].GetProperty("system").GetString(), reasons[0].GetProperty("code").GetString(), reasons[0].GetProperty("group").GetString()));
        Assert.Equal(("RARC", "N350"), (reasons[1].GetProperty("system").GetString(), reasons[1].GetProperty("code").GetString()));
        Assert.False(reasons[1].TryGetProperty("group", out _));
        Assert.Equal("pended", json.RootElement.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("19120", null)]
    [InlineData("19499", "HIFU")]
    [InlineData("19499", "excision of breast lesion")]
    public void ToJson_NotAddressed_HasEmptyReasonCodesAndNoFdaLabel(string code, string? description)
    {
        using var json = Write(new RequestBuilder().Line(code, description));
        var line = json.RootElement.GetProperty("lines")[0];

        Assert.Equal("not-addressed", line.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Array, line.GetProperty("reasonCodes").ValueKind);
        Assert.Empty(line.GetProperty("reasonCodes").EnumerateArray());
        Assert.False(line.TryGetProperty("fdaLabel", out _));
        Assert.Equal(JsonValueKind.Null, line.GetProperty("governedBy").ValueKind);
        Assert.Equal("not-addressed", json.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void ToJson_HifuLine_NamesRelatedPolicy()
    {
        using var json = Write(new RequestBuilder().Line("19499", "HIFU"));

        Assert.Equal("High Intensity Focused Ultrasound (HIFU)", json.RootElement.GetProperty("lines")[0].GetProperty("relatedPolicy").GetString());
    }

    [Fact]
    public void ToJson_NoVersion_PolicyIsNull()
    {
        using var json = Write(new RequestBuilder().Date("2024-03-14"));
        var line = json.RootElement.GetProperty("lines")[0];

        Assert.True(line.TryGetProperty("policy", out var policy));
        Assert.Equal(JsonValueKind.Null, policy.ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("modality").ValueKind);
    }

    [Fact]
    public void ToJson_InvalidCode_HasReasonCodesAndNoFdaLabel()
    {
        using var json = Write(new RequestBuilder().Date("2025-12-31").Line("0971T"));
        var line = json.RootElement.GetProperty("lines")[0];

        Assert.Equal("invalid-code", line.GetProperty("outcome").GetString());
        var reason = Assert.Single(line.GetProperty("reasonCodes").EnumerateArray().ToList());
        Assert.Equal("181", reason.GetProperty("code").GetString());
        Assert.Equal("CO", reason.GetProperty("group").GetString());
        Assert.False(line.TryGetProperty("fdaLabel", out _));
        Assert.False(line.GetProperty("requiresPhysicianReview").GetBoolean());
    }

    [Theory]
    [InlineData("standard", "0581T", null, "not-medically-necessary", "policy", "not-covered")]
    [InlineData("example-fda-cryo-rider", "0581T", null, "covered", "plan", "covered")]
    [InlineData("example-mandate-over-exclusion", "0581T", null, "covered", "mandate", "covered")]
    [InlineData("example-ablation-exclusion", "0581T", null, "excluded-by-plan", "plan", "not-covered")]
    public void ToJson_OutcomesAndSources_AreKebabCaseStrings(string plan, string code, string? description, string outcome, string governedBy, string requestOutcome)
    {
        using var json = Write(new RequestBuilder().Plan(plan).Line(code, description));
        var line = json.RootElement.GetProperty("lines")[0];

        Assert.Equal(outcome, line.GetProperty("outcome").GetString());
        Assert.Equal(governedBy, line.GetProperty("governedBy").GetString());
        Assert.Equal(requestOutcome, json.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void ToWire_EveryEnumerationValue_IsContractString()
    {
        Assert.Equal(KebabLineOutcomes, Enum.GetValues<LineOutcome>().Select(o => o.ToWire()));
        Assert.Equal(KebabRequestOutcomes, Enum.GetValues<RequestOutcome>().Select(o => o.ToWire()));
        Assert.Equal(["mandate", "plan", "policy"], Enum.GetValues<GoverningSource>().Select(o => o.ToWire()));
        Assert.Equal(["on-label", "off-label", "indeterminate", "no-authorized-device"], Enum.GetValues<FdaLabelStatus>().Select(o => o.ToWire()));
        Assert.Equal(["met", "unmet", "unknown"], Enum.GetValues<CriterionResult>().Select(o => o.ToWire()));
    }

    [Fact]
    public void ToJson_MultiLineRequest_EveryLineHasReasonCodesArray()
    {
        using var json = Write(new RequestBuilder().Line("0581T").AddLine("19120").AddLine("19499").AddLine("19499", "RFA"));

        foreach (var line in json.RootElement.GetProperty("lines").EnumerateArray())
            Assert.Equal(JsonValueKind.Array, line.GetProperty("reasonCodes").ValueKind);
    }

    [Fact]
    public void ToJson_PastReviewDate_WarningsListed()
    {
        using var json = Write(new RequestBuilder().Date("2027-03-16"));

        var warning = Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray().ToList());
        Assert.Contains("2027-03-15", warning.GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_CompactAndIndented_SameContent()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder());

        using var indented = JsonDocument.Parse(DeterminationWriter.ToJson(determination));
        using var compact = JsonDocument.Parse(DeterminationWriter.ToJson(determination, indented: false));

        Assert.Equal(JsonSerializeCompact(indented), JsonSerializeCompact(compact));
        Assert.DoesNotContain('\n', DeterminationWriter.ToJson(determination, indented: false));
    }

    [Fact]
    public void ToJson_NonAsciiText_IsWrittenReadably()
    {
        var json = DeterminationWriter.ToJson(TestCatalogue.Evaluate(new RequestBuilder()));

        // The FDA indication quotes "≥ 70 years"; the rationale and citations must stay readable.
        Assert.DoesNotContain("\\u0022", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u2265", json, StringComparison.Ordinal);
    }

    private static JsonDocument Write(RequestBuilder request) =>
        JsonDocument.Parse(DeterminationWriter.ToJson(TestCatalogue.Evaluate(request)));

    private static string JsonSerializeCompact(JsonDocument document) => JsonSerializer.Serialize(document.RootElement);

    [Fact]
    public void Write_SharedLongTexts_AreTheBytesOfEachEncoder()
    {
        // Long shared texts are kept pre-encoded for the batch's (relaxed) encoder: written again, or with another
        // encoder, they must be exactly what a plain Utf8JsonWriter writes.
        var rationale = string.Concat(Enumerable.Repeat("Größe \"<5 cm\" & más\n\t", 30));
        var determination = new Determination
        {
            RequestId = "T-1",
            Outcome = RequestOutcome.NotCovered,
            RequiresPhysicianReview = false,
            EvaluatedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, 7, TimeSpan.Zero),
            EngineVersion = "test",
            Lines =
            [
                new LineDetermination
                {
                    Sequence = 1, Code = "0581T", DateOfService = new DateOnly(2026, 5, 4), Outcome = LineOutcome.NotMedicallyNecessary,
                    RequiresPhysicianReview = false, Rationale = rationale, Citations = [Citation.OfSection("Policy", rationale)], Trace = [rationale],
                },
            ],
        };
        foreach (var encoder in new[] { System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, System.Text.Encodings.Web.JavaScriptEncoder.Default })
        {
            var expected = Plain(rationale, encoder);
            for (var round = 0; round < 2; round++)
            {
                var written = WriteWith(determination, encoder);
                Assert.Contains($"\"rationale\":{expected},", written, StringComparison.Ordinal);
                Assert.Contains($"\"text\":{expected}}}", written, StringComparison.Ordinal);
                Assert.Contains($"\"trace\":[{expected}]", written, StringComparison.Ordinal);
                Assert.Contains("\"evaluatedAt\":\"2026-11-25T12:00:00.007Z\"", written, StringComparison.Ordinal);
            }
        }

        static string WriteWith(Determination determination, System.Text.Encodings.Web.JavaScriptEncoder encoder)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = encoder }))
                DeterminationWriter.Write(writer, determination);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        static string Plain(string text, System.Text.Encodings.Web.JavaScriptEncoder encoder)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = encoder }))
                writer.WriteStringValue(text);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }
    }
}
