using System.Text.Json.Nodes;
using Coverage.Engine.Json;

namespace Coverage.Engine.Tests;

/// <summary>
/// Service lines may carry CPT/HCPCS modifiers (an additive field of the contract, for claims: X12 SV101-3..6).
/// They are validated like every other code and carried through; no policy rule reads them.
/// </summary>
public class ModifierTests
{
    [Fact]
    public void Read_Modifiers_AreCarriedUpperCase()
    {
        var request = TestCatalogue.Request(new RequestBuilder().LineField(0, "modifiers", new JsonArray("lt", "59")).Json());

        Assert.Equal(["LT", "59"], request.ServiceLines[0].Modifiers);
    }

    [Fact]
    public void Read_NoModifiers_IsAnEmptyList()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Json());

        Assert.Empty(request.ServiceLines[0].Modifiers);
    }

    [Theory]
    [InlineData("L")]
    [InlineData("LTX")]
    [InlineData("L-")]
    [InlineData("")]
    public void Read_MalformedModifier_NamesField(string modifier)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "modifiers", new JsonArray("RT", modifier))));

        Assert.Equal("serviceLines[0].modifiers[1]", error.Field);
    }

    [Fact]
    public void Read_MoreThanFourModifiers_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "modifiers", new JsonArray("LT", "59", "XS", "76", "77"))));

        Assert.Equal("serviceLines[0].modifiers", error.Field);
        Assert.Contains("at most 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ModifiersNotAList_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "modifiers", "LT")));

        Assert.Equal("serviceLines[0].modifiers", error.Field);
    }

    [Fact]
    public void Writer_Modifiers_RoundTrip()
    {
        var request = TestCatalogue.Request(new RequestBuilder().LineField(0, "modifiers", new JsonArray("LT")).Json());

        var again = TestCatalogue.Request(RequestWriter.ToJson(request));

        Assert.Equal(["LT"], again.ServiceLines[0].Modifiers);
    }

    [Fact]
    public void Writer_NoModifiers_LeavesTheCanonicalFormUnchanged()
    {
        // The case store hashes the canonical form for idempotency: requests without modifiers must hash as before.
        var json = RequestWriter.ToJson(TestCatalogue.Request(new RequestBuilder().Json()));

        Assert.DoesNotContain("modifiers", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Modifiers_DoNotChangeTheOutcome()
    {
        var without = TestCatalogue.EvaluateLine(new RequestBuilder());
        var with = TestCatalogue.EvaluateLine(new RequestBuilder().LineField(0, "modifiers", new JsonArray("LT")));

        Assert.Equal(without.Outcome, with.Outcome);
        Assert.Equal(without.Trace, with.Trace);
    }
}
