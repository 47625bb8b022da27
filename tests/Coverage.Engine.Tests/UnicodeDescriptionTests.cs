using Coverage.Engine.Descriptions;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>
/// Security issue 12, finding 2: Unicode tricks must not move an unlisted-code line whose description names a
/// modality out of review. A description is read as what a person sees (lookalike letters, compatibility forms,
/// accents and invisible characters folded) or, when that cannot be told, not read at all: information-required.
/// The characters are written as escapes, so that the tests show what they hold.
/// </summary>
public class UnicodeDescriptionTests
{
    /// <summary>"cryoablation" disguised, each way a reader still sees the word.</summary>
    public static TheoryData<string, string> DisguisedCryoablation => new()
    {
        { "\u0441ryoablation", "Cyrillic small es for c" },
        { "cry\u03BFablation", "Greek small omicron for o" },
        { "\u0441ry\u043E\u0430blation", "three Cyrillic letters" },
        { "\u0421RY\u041E\u0410BLATION", "Cyrillic capitals" },
        { "\uFF43\uFF52\uFF59\uFF4F\uFF41\uFF42\uFF4C\uFF41\uFF54\uFF49\uFF4F\uFF4E", "fullwidth letters" },
        { "\U0001D41C\U0001D42B\U0001D432\U0001D428\U0001D41A\U0001D41B\U0001D425\U0001D41A\U0001D42D\U0001D422\U0001D428\U0001D427", "mathematical bold letters" },
        { "cryo\u200Bablation", "zero-width space inside the word" },
        { "cryo\u200Dablation\u200C", "zero-width joiner and non-joiner" },
        { "cryo\u00ADablation", "soft hyphen" },
        { "\u200Ecryoablation\u200F", "direction marks" },
        { "\uFEFFcryoablation", "byte order mark" },
        { "cryoablati\u00F3n", "precomposed accent" },
        { "cryoablatio\u0301n", "combining acute accent" },
        { "c\u0327r\u0308y\u0304o\u0303ablation", "combining marks on several letters" },
        { "cry\u00F8ablation", "o with stroke" },
        { "cryoab\u0142ation", "l with stroke" },
        { "cryoablat\u0131on", "dotless i" },
        { "cry\u03CCablation", "Greek omicron with tonos" },
        { "US-guided \u0441ryoablation,\u00A0left breast", "lookalike and no-break space in a sentence" },
    };

    [Theory]
    [MemberData(nameof(DisguisedCryoablation))]
    public void Evaluate_DisguisedModality_IsClassifiedAsThePlainWordAndGoesToReview(string description, string disguise)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", description));
        var plain = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "cryoablation"));

        var line = Assert.Single(determination.Lines);
        Assert.True(line.Outcome == LineOutcome.NotMedicallyNecessary, $"{disguise}: {line.Outcome}");
        Assert.Equal("cryoablation", line.Modality);
        Assert.True(line.RequiresPhysicianReview);
        Assert.True(determination.RequiresPhysicianReview);
        Assert.Equal(plain.ReasonCodes, line.ReasonCodes);
        Assert.Equal(plain.Rationale, line.Rationale);
        Assert.Contains(line.Trace, step => step.StartsWith("modality: the description of unlisted code 19499 was normalised to \"", StringComparison.Ordinal));
        Assert.Contains(line.Trace, step => step.Contains("names cryoablation (matched \"cryoablation\")", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("r\u0430diofrequency ablation", "radiofrequency-ablation")]
    [InlineData("RF\u0410", "radiofrequency-ablation")]
    [InlineData("Microwave\u00A0ablation", "microwave-ablation")]
    [InlineData("\u039C\u0399CROWAVE \u0430blation", "microwave-ablation")] // Greek capital iota is not folded: see below
    [InlineData("laser\u2011ablation of breast cancer", "percutaneous-laser-ablation")]
    [InlineData("\u029F\u1D00\uA731\u1D07\u0280 ablation", "percutaneous-laser-ablation")]
    public void Evaluate_OtherDisguisedModalities_AreNeverNotAddressed(string description, string modality)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", description));

        var line = Assert.Single(determination.Lines);
        Assert.NotEqual(LineOutcome.NotAddressed, line.Outcome);
        Assert.NotEqual(RequestOutcome.NotAddressed, determination.Outcome);
        if (line.Outcome == LineOutcome.InformationRequired)
        {
            Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        }
        else
        {
            Assert.Equal(modality, line.Modality);
            Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
            Assert.True(line.RequiresPhysicianReview);
        }
    }

    [Fact]
    public void Evaluate_LookalikeInSynonymOfTwoWords_IsClassified()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "r\u0430diofrequency ablation"));

        Assert.Equal("radiofrequency-ablation", line.Modality);
        Assert.Contains(line.Trace, step => step.Contains("normalised to \"radiofrequency ablation\" (lookalike letters of other scripts folded to Latin)", StringComparison.Ordinal));
    }

    /// <summary>Descriptions that are not plain text once normalised, and why.</summary>
    public static TheoryData<string, string> NotPlainText => new()
    {
        { "cryo\u0430\u0431\u043B\u044Ftion", "mixes scripts (Latin, Cyrillic)" },
        { "\u0441ryo\u0431lation", "mixes scripts (Latin, Cyrillic)" },
        { "cryoablation \u043B\u0435\u0432\u0430\u044F", "mixes scripts (Latin, Cyrillic)" },
        { "cryo\u03B8ablation", "mixes scripts (Latin, Greek)" },
        { "CRYOAB\u0399ATION", "mixes scripts (Latin, Greek)" }, // Greek capital iota: I or l? Not guessed.
        { "\u043A\u0440\u0438\u043E\u0430\u0431\u043B\u044F\u0446\u0438\u044F", "is written in the Cyrillic script, not in Latin letters" },
        { "\u202Enoitalbaoyrc", "holds a bidirectional control character (U+202E)" },
        { "cryo\u202Eablation", "holds a bidirectional control character (U+202E)" },
        { "cryoablation\u2066 left\u2069", "holds a bidirectional control character (U+2066)" },
        { "cryoablation \U0001F600", "holds a symbol (U+1F600)" },
        { "cryoablation \u2764\uFE0F", "holds a symbol (U+2764)" },
        { "cryoablation \uE000", "holds a private-use character (U+E000)" },
        { "cryoablation \u0378", "holds an unassigned code point (U+0378)" },
        { "cryoablat\u1D09on", "holds a letter outside the plain Latin alphabet (U+1D09)" },
        { "cryoablation \u0663", "holds a digit or number that is not an ASCII digit (U+0663)" },
        { "cryoab\u00A6ation", "holds a symbol (U+00A6)" },
        { "cryoablat\u00A1on", "holds punctuation that plain text does not use (U+00A1)" },
    };

    [Theory]
    [MemberData(nameof(NotPlainText))]
    public void Evaluate_DescriptionNotPlainText_NeedsInformationWithTheReason(string description, string reason)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", description));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.Null(line.Modality);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
        Assert.Contains(line.Trace, step => step.StartsWith("modality: the description of unlisted code 19499 is not plain text: it " + reason, StringComparison.Ordinal));
        Assert.Contains(reason, line.Rationale, StringComparison.Ordinal);
        Assert.Contains("plain-text description", Assert.Single(line.InformationNeeded), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DescriptionNotPlainText_IsNotQuotedInTheRationale()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "\u202Enoitalbaoyrc"));

        Assert.DoesNotContain("noitalbaoyrc", line.Rationale, StringComparison.Ordinal);
        Assert.DoesNotContain(line.Trace, step => step.Contains('\u202E', StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_PlainAsciiDescription_IsNotNormalised()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "US-guided cryoablation, left breast"));

        Assert.Equal("cryoablation", line.Modality);
        Assert.DoesNotContain(line.Trace, step => step.Contains("normalised", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Cryoablation \u2013 left breast (\u201CUS-guided\u201D)")]
    [InlineData("\u2022 cryoablation\u2026 \u00B1 2 cm \u2264 1.5 cm at \u2212160 \u00B0C")]
    public void Evaluate_OrdinaryPunctuation_IsReadAsPunctuation(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal("cryoablation", line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Fact]
    public void Evaluate_NormalisedDescriptionOfAnotherProcedure_IsNotAddressedAndQuotedAsRead()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "Excisi\u043En of breast lesion"));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Contains("\"Excision of breast lesion\"", line.Rationale, StringComparison.Ordinal);
        Assert.Contains(line.Trace, step => step.Contains("normalised to \"Excision of breast lesion\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u200B\u00AD \u2060")]
    public void Evaluate_DescriptionOfInvisibleCharactersOnly_IsMissing(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        Assert.Contains(line.Trace, step => step.Contains("has no description", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_PlainAsciiDescription_AllocatesNothing()
    {
        // The usual description takes the fast path, as before: no reading, no allocation.
        var classifier = new Evaluation.DescriptionClassifier(TestCatalogue.Catalogue.FindPolicy("0540")!);
        const string description = "US-guided cryoablation, left breast";
        Assert.Null(classifier.Classify(description).Reading);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) classifier.Classify(description);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // ------------------------------------------------------------ the reader itself

    [Fact]
    public void Read_LoneSurrogate_IsNotPlainText()
    {
        // Not in an attribute: attribute strings are stored as UTF-8, where a lone surrogate becomes U+FFFD.
        Assert.Equal("holds a lone surrogate, which is not valid Unicode (U+D800)", DescriptionText.Read("cryo\uD800ablation").Problem);
    }

    [Theory]
    [InlineData("cryoablation\u0085", "holds a control character (U+0085)")]
    [InlineData("cryo\u0001ablation", "holds a control character (U+0001)")]
    public void Read_ControlCharacters_AreNotPlainText(string text, string problem)
    {
        Assert.Equal(problem, DescriptionText.Read(text).Problem);
    }

    [Theory]
    [InlineData("\u212A", "K")]
    [InlineData("\uFB01ne", "fine")]
    [InlineData("\u00BD cm", "1/2 cm")]
    [InlineData("\u2026", "...")]
    [InlineData("\uFF08\uFF4C\uFF45\uFF46\uFF54\uFF09", "(left)")]
    [InlineData("\u2170\u2171", "iii")]
    [InlineData("\u0451", "e")]
    public void Read_CompatibilityForms_FoldToPlainText(string text, string plain)
    {
        var reading = DescriptionText.Read(text);

        Assert.Null(reading.Problem);
        Assert.Equal(plain, reading.Text);
    }

    [Fact]
    public void Read_PlainAscii_IsReturnedAsItIs()
    {
        const string text = "US-guided cryoablation, left breast\t(2 lesions)\r\n";

        var reading = DescriptionText.Read(text);

        Assert.Same(text, reading.Text);
        Assert.Null(reading.Changes);
        Assert.Null(reading.Problem);
    }

    [Fact]
    public void Read_EveryFoldingInTheTable_IsPlainTextOrGreekOrCyrillic()
    {
        // The generated table (scripts/unicode-folding.py) holds only what the reader can use.
        for (var codePoint = 0x80; codePoint < 0x30000; codePoint++)
        {
            if (!CompatibilityFolding.TryFold(codePoint, out var folded)) continue;
            Assert.False(string.IsNullOrWhiteSpace(folded), $"U+{codePoint:X4}");
            Assert.All(folded, c => Assert.True(c is >= ' ' and <= '~' or >= '\u0370' and < '\u0530', $"U+{codePoint:X4} folds to U+{(int)c:X4}"));
        }
    }

    [Fact]
    public void TermText_FoldsAsDescriptionsAre()
    {
        Assert.Equal("cryoablation", Catalogue.CatalogueLoader.TermText("\u0421ryo\u00ADablati\u00F3n"));
        Assert.Equal("radio frequency ablation", Catalogue.CatalogueLoader.TermText("Radio\u2011frequency \uFF41blation"));
    }
}
