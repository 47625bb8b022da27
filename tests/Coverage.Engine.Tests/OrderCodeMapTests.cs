using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Tests;

/// <summary>
/// The catalogue's order-code map (policies/order-codes.yaml): clinical codes of orders and the CPT/HCPCS codes they are
/// billed as, read as data, on a catalogue of another shape than 0540 (Fixtures/other-shapes, a fictional infusion
/// policy), validated with file, path and reason, and outside the catalogue digest (docs/decisions.md "CRD: clinical codes of orders").
/// </summary>
public sealed class OrderCodeMapTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "coverage-order-codes-" + Guid.NewGuid().ToString("N"));

    public OrderCodeMapTests()
    {
        var source = Path.Combine(TestCatalogue.RepositoryRoot, "tests", "Coverage.Engine.Tests", "Fixtures", "other-shapes");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private void WriteMap(string yaml) => File.WriteAllText(Path.Combine(_root, "policies", OrderCodeMap.FileName), yaml);

    [Fact]
    public void Map_OnACatalogueOfAnotherShape_GivesTheBillingCodes_AndLeavesTheDigestAsItWas()
    {
        var without = CatalogueLoader.Load(_root);
        Assert.Empty(without.OrderCodes.Entries);

        WriteMap("""
            orderCodes:
              - system: http://snomed.info/sct
                code: "test-infusion-1"
                display: "A test clinical code for a chemotherapy infusion"
                billingCodes: ["96413"]
                source: "Test fixture"
            """);
        var (with, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Empty(errors);
        Assert.Equal(["96413"], with!.OrderCodes.BillingCodesFor("http://snomed.info/sct", "test-infusion-1"));
        Assert.Empty(with.OrderCodes.BillingCodesFor("http://snomed.info/sct", "unknown"));
        Assert.Empty(with.OrderCodes.BillingCodesFor("http://loinc.org", "test-infusion-1"));
        Assert.Equal(without.Digest, with.Digest);
    }

    [Fact]
    public void Map_WithBrokenEntries_IsRefusedNamingFilePathAndReason()
    {
        WriteMap("""
            orderCodes:
              - system: not a uri
                code: "a"
                billingCodes: ["96413"]
                source: "Test"
              - system: http://snomed.info/sct
                code: "b"
                billingCodes: []
                source: "Test"
              - system: http://snomed.info/sct
                code: "c"
                billingCodes: ["infusion"]
                source: "Test"
              - system: http://snomed.info/sct
                code: "d"
                billingCodes: ["96413"]
              - system: http://snomed.info/sct
                code: "e"
                billingCodes: ["96413"]
                source: "Test"
              - system: http://snomed.info/sct
                code: "e"
                billingCodes: ["96379"]
                source: "Test"
            """);

        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Null(catalogue);
        Assert.All(errors, e => Assert.Equal("policies/order-codes.yaml", e.File));
        Assert.Equal(
            ["orderCodes[0].system", "orderCodes[1].billingCodes", "orderCodes[2].billingCodes[0]", "orderCodes[3].source", "orderCodes[5].code"],
            errors.Select(e => e.Path));
        Assert.Contains("is mapped twice", errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedMap_NamesItsSource_ForEveryEntry()
    {
        var map = TestCatalogue.Catalogue.OrderCodes;

        Assert.NotEmpty(map.Entries);
        Assert.All(map.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Source)));
        Assert.Contains("77065", map.BillingCodesFor("http://snomed.info/sct", "726551006"));
    }
}
