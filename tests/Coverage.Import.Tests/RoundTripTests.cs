using Coverage.Engine.Catalogue;

namespace Coverage.Import.Tests;

/// <summary>
/// Importing policy 0540's source text reproduces the hand-written catalogue's policy (policies/0540-ablative-breast):
/// both are loaded with the catalogue loader and their model objects compared field by field, for what the document
/// states — number, title, publisher, dates, codes, versions, the current statement, references, devices. What the
/// hand-written policy adds from outside the document (synonyms, diagnoses, code validity, earlier statements,
/// short citations) is exactly what the draft lists as gaps.
/// </summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly CoveragePolicy _handWritten = CatalogueLoader.Load(Sources.Catalogue).FindPolicy("0540")!;
    private readonly DraftPolicyRead _read;

    public RoundTripTests() => _read = Sources.ImportAndRead(Sources.Path(Sources.Cigna0540), _temp).Read;

    public void Dispose() => _temp.Dispose();

    private CoveragePolicy Draft => _read.Policy!;

    [Fact]
    public void Import0540_FrontPage_IsTheHandWrittenPolicys()
    {
        Assert.Equal(_handWritten.Id, Draft.Id);
        Assert.Equal(_handWritten.Title, Draft.Title);
        Assert.Equal(_handWritten.Publisher, Draft.Publisher);
        Assert.Equal(_handWritten.EffectiveDate, Draft.EffectiveDate);
        Assert.Equal(_handWritten.NextReviewDate, Draft.NextReviewDate);
        Assert.Equal(_handWritten.Texts.Overview, Draft.Texts.Overview);
        Assert.Equal(_handWritten.RelatedResources.Select(r => r.Title), Draft.RelatedResources.Select(r => r.Title));
    }

    [Fact]
    public void Import0540_Codes_AreTheHandWrittenCodesInTheirOrder()
    {
        Assert.Equal(_handWritten.Codes.Keys, Draft.Codes.Keys);
        foreach (var (code, written) in _handWritten.Codes)
        {
            var imported = Draft.Codes[code];
            Assert.Equal(written.Code, imported.Code);
            Assert.Equal(written.System, imported.System);
            Assert.Equal(written.Description, imported.Description);
            Assert.Equal(written.Unlisted, imported.Unlisted);
        }
    }

    [Fact]
    public void Import0540_Versions_AreTheRevisionDetailsOldestFirst()
    {
        Assert.Equal(_handWritten.Versions.Count, Draft.Versions.Count);
        foreach (var (written, imported) in _handWritten.Versions.Zip(Draft.Versions))
        {
            Assert.Equal(written.Version, imported.Version);
            Assert.Equal(written.Effective, imported.Effective);
            Assert.Equal(written.ReviewType, imported.ReviewType);
            Assert.Equal(written.Changes, imported.Changes);
        }
    }

    [Fact]
    public void Import0540_CurrentVersion_HasTheHandWrittenStatementScopeAndCodes()
    {
        var written = _handWritten.CurrentVersion;
        var imported = Draft.CurrentVersion;
        Assert.Equal(written.Statement, imported.Statement);
        Assert.Equal(written.Codes, imported.Codes);
        Assert.Equal(written.Modalities.Order(), imported.Modalities.Order());
        Assert.Equal(_handWritten.Modalities.Values.Select(m => (m.Id, m.Name)), Draft.Modalities.Values.Select(m => (m.Id, m.Name)));
    }

    [Fact]
    public void Import0540_References_AreTheHandWrittenCitationsAndUrls()
    {
        Assert.Equal(_handWritten.References.Keys.Order(), Draft.References.Keys.Order());
        foreach (var (number, written) in _handWritten.References)
        {
            var imported = Draft.References[number];
            Assert.Equal(written.Number, imported.Number);
            Assert.Equal(written.Citation, imported.Citation);
            Assert.Equal(written.Url, imported.Url);
        }
    }

    [Fact]
    public void Import0540_DeviceTable_IsTheHandWrittenDevice()
    {
        var written = Assert.Single(_handWritten.FdaDevices);
        var imported = Assert.Single(Draft.FdaDevices);
        Assert.Equal(written.Name, imported.Name);
        Assert.Equal(written.Manufacturer, imported.Manufacturer);
        Assert.Equal(written.Authorization, imported.Authorization);
        Assert.Equal(written.DecisionDate, imported.DecisionDate);
        Assert.Equal(written.ProductCode, imported.ProductCode);
    }

    [Fact]
    public void Import0540_WhatTheDocumentDoesNotSay_IsAGapNotAValue()
    {
        var gaps = _read.Gaps.Select(g => g.Path).ToList();
        // Earlier versions: the document gives only the current statement.
        Assert.Contains("versions[0].coverageStatement", gaps);
        Assert.DoesNotContain(_read.Gaps, g => g.Path == "versions[3].coverageStatement" && g.Message.StartsWith("missing", StringComparison.Ordinal));
        // The condition's diagnoses, the synonyms, the listed codes' modalities and validity are the analyst's.
        Assert.Contains("condition", gaps);
        Assert.Contains("modalities[0].synonyms", gaps);
        Assert.Contains("codes[1].modality", gaps);
        Assert.Contains("codes[0].validity", gaps);
        Assert.Contains("references[0].short", gaps);
        Assert.True(_read.MarkedDraft);
        Assert.All(Draft.Codes.Values, c => Assert.Null(c.Validity.From));
    }
}
