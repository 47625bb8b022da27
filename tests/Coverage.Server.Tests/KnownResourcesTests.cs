using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// A hook call's resources found by reference as a search in the order they came found them: "Type/id", a URL ending
/// in "/Type/id", "#id" among contained resources; the first that came wins.
/// </summary>
public sealed class KnownResourcesTests
{
    private static Observation Observation(string id, string text = "") => new() { Id = id, Code = new CodeableConcept { Text = text } };

    private static string? TextOf(Resource? resource) => (resource as Observation)?.Code.Text;

    [Fact]
    public void TypeAndId_IsFound_AmongResourcesAndTheEntriesOfBundles()
    {
        var known = new KnownResources();
        known.Add(new Patient { Id = "pat-1" });
        known.Add(Ehr.SearchSet(Observation("obs-1", "in the search")));

        Assert.IsType<Patient>(known.Find(new ResourceReference("Patient/pat-1")));
        Assert.Equal("in the search", TextOf(known.Find(new ResourceReference("Observation/obs-1"))));
        Assert.Null(known.Find(new ResourceReference("Observation/obs-2")));
        Assert.Null(known.Find(new ResourceReference("Patient/pat-1/_history/1")));
        Assert.Null(known.Find(new ResourceReference()));
    }

    [Fact]
    public void AUrlEndingInTypeAndId_IsFound_ButNotWithoutAnythingBeforeIt()
    {
        var known = new KnownResources();
        known.Add(Observation("obs-1", "it"));

        Assert.Equal("it", TextOf(known.Find(new ResourceReference("https://ehr.example/fhir/Observation/obs-1"))));
        Assert.Equal("it", TextOf(known.Find(new ResourceReference("/Observation/obs-1"))));
        Assert.Null(known.Find(new ResourceReference("https://ehr.example/fhir/Observation/obs-10")));
        Assert.Null(known.Find(new ResourceReference("obs-1")));
    }

    [Fact]
    public void TheFirstThatCame_Wins_AndAnExactTypeAndIdBeforeAUrl()
    {
        var known = new KnownResources();
        known.Add(Observation("obs-1", "first"));
        known.AddRange([Observation("obs-1", "second"), Ehr.SearchSet(Observation("obs-1", "third"))]);

        Assert.Equal("first", TextOf(known.Find(new ResourceReference("Observation/obs-1"))));
        Assert.Equal("first", TextOf(known.Find(new ResourceReference("https://elsewhere.example/Observation/obs-1"))));
    }

    [Fact]
    public void Contained_IsFoundByHashId_OnlyAmongTheCallsOwnResources()
    {
        var order = new ServiceRequest { Id = "sr-1", Contained = [Observation("a", "contained in the order"), Observation("a", "again")] };
        var inASearch = new ServiceRequest { Id = "sr-2", Contained = [Observation("b", "contained in a search entry")] };
        var known = new KnownResources();
        known.Add(order);
        known.Add(Ehr.SearchSet(inASearch));

        Assert.Equal("contained in the order", TextOf(known.Find(new ResourceReference("#a"))));
        Assert.Null(known.Find(new ResourceReference("#b")));
        Assert.Null(known.Find(new ResourceReference("Observation/a")));
    }

    [Fact]
    public void ThousandsOfResources_AreEachFound()
    {
        var known = new KnownResources();
        known.Add(Ehr.SearchSet([.. Enumerable.Range(0, 5_000).Select(i => Observation($"obs-{i}", $"{i}"))]));

        Assert.All(Enumerable.Range(0, 5_000), i => Assert.Equal($"{i}", TextOf(known.Find(new ResourceReference($"Observation/obs-{i}")))));
    }
}
