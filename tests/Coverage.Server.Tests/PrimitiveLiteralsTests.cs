using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="PrimitiveLiterals"/>: a literal found valid is remembered for its own type only, never makes an invalid
/// literal pass, and the memory it takes is bounded. The memory is the process's, so these tests run alone (another
/// test's reads could fill it and start it again empty between a read and the question about what it remembered).
/// </summary>
[Collection(nameof(PrimitiveLiteralsTests))]
public sealed class PrimitiveLiteralsTests
{
    [Fact]
    public void ALiteralValidForOneType_IsStillCheckedForAnother()
    {
        // "a  b" (two spaces) is a valid string but not a valid code (FHIR code: no runs of whitespace).
        const string literal = "a  b";
        Assert.NotNull(FhirJson.Parse<Patient>($$"""{"resourceType":"Patient","name":[{"text":"{{literal}}"}]}""", out _));
        Assert.NotNull(FhirJson.Parse<Patient>($$"""{"resourceType":"Patient","name":[{"text":"{{literal}}"}]}""", out _));

        var asCode = FhirJson.Parse<Patient>($$"""{"resourceType":"Patient","gender":"{{literal}}"}""", out var problems);

        Assert.Null(asCode);
        Assert.Contains(problems!.Issue, issue => (issue.Diagnostics ?? "").Contains(literal, StringComparison.Ordinal));
    }

    [Fact]
    public void AnInvalidLiteral_IsRefusedEveryTime_AndNotRemembered()
    {
        const string json = """{"resourceType":"Patient","birthDate":"1960-13-45"}""";
        for (var i = 0; i < 3; i++)
            Assert.False(ModelRules.AreMet(Read(json), NarrativeValidation));
        Assert.False(PrimitiveLiterals.IsKnownValid(ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(Date))!, "1960-13-45"));
    }

    [Fact]
    public void AValidLiteral_IsRemembered_ForItsType()
    {
        var literal = $"2020-01-{Random.Shared.Next(10, 28)}";
        Assert.True(ModelRules.AreMet(Read($$"""{"resourceType":"Patient","birthDate":"{{literal}}"}"""), NarrativeValidation));

        Assert.True(PrimitiveLiterals.IsKnownValid(ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(Date))!, literal));
        Assert.False(PrimitiveLiterals.IsKnownValid(ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(Code))!, literal));
    }

    [Fact]
    public void ALongLiteral_IsNotRemembered()
    {
        var literal = "urn:example:" + new string('x', PrimitiveLiterals.MaxLength);
        var uri = ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(FhirUri))!;

        PrimitiveLiterals.RememberValid(uri, literal);

        Assert.False(PrimitiveLiterals.IsKnownValid(uri, literal));
    }

    [Fact]
    public void TheMemory_IsBounded()
    {
        var uri = ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(FhirUri))!;
        for (var i = 0; i < PrimitiveLiterals.MaxEntries + 10; i++) PrimitiveLiterals.RememberValid(uri, $"urn:bounded:{i}");

        Assert.True(PrimitiveLiterals.Count <= PrimitiveLiterals.MaxEntries);
        PrimitiveLiterals.RememberValid(uri, "urn:bounded:after");
        Assert.True(PrimitiveLiterals.IsKnownValid(uri, "urn:bounded:after"));
    }

    private static Resource Read(string json) => ModelRulesTests.SyntaxOnlyRead(json)!;

    private static Hl7.Fhir.Validation.NarrativeValidationKind NarrativeValidation => ModelRulesTests.NarrativeValidation;
}

/// <summary>The tests of the process-wide literal memory run after the others, not beside them.</summary>
[CollectionDefinition(nameof(PrimitiveLiteralsTests), DisableParallelization = true)]
public sealed class PrimitiveLiteralsTestsRunAlone;
