using Coverage.Fhir.Crd;

namespace Coverage.Server.Tests;

/// <summary>
/// Which EHR FHIR servers a hook call may make the CRD service read from: an allowed base or a path below it, compared as
/// scheme, host, port and path segments — never as a text prefix, which user info or a longer host name would pass.
/// </summary>
public sealed class FhirServerAllowListTests
{
    private static readonly FhirServerAllowList Allowed = new(["https://ehr.test/fhir", "http://localhost:8080/"]);

    [Theory]
    [InlineData("https://ehr.test/fhir")]
    [InlineData("https://ehr.test/fhir/")]
    [InlineData("https://ehr.test/fhir/r4")]
    [InlineData("https://EHR.TEST/fhir")]
    [InlineData("https://ehr.test:443/fhir")]
    [InlineData("http://localhost:8080/")]
    [InlineData("http://localhost:8080/any/path")]
    public void AnAllowedBaseOrAPathBelowIt_IsAllowed(string server) =>
        Assert.True(Allowed.Allows(new Uri(server)));

    [Theory]
    [InlineData("https://ehr.test@169.254.169.254/fhir")] // user info: the host is the address after '@'
    [InlineData("https://ehr.test:secret@127.0.0.1/fhir")]
    [InlineData("https://ehr.test.attacker.test/fhir")] // a longer host that begins with the allowed one
    [InlineData("https://ehr.test/fhirevil")] // a path that only begins with the allowed one
    [InlineData("https://ehr.test/fhir/../admin")] // resolves to /admin
    [InlineData("https://ehr.test/other")]
    [InlineData("http://ehr.test/fhir")] // another scheme
    [InlineData("https://ehr.test:8443/fhir")] // another port
    [InlineData("https://ehr.test/fhir?_format=xml")]
    [InlineData("https://ehr.test/fhir#x")]
    [InlineData("http://localhost:8081/")]
    [InlineData("http://localhost/")]
    [InlineData("http://127.0.0.1:8080/")] // the same machine by another name is another server to this list
    public void AnythingElse_IsNotAllowed(string server) =>
        Assert.False(Allowed.Allows(new Uri(server)));

    [Fact]
    public void NothingConfigured_AllowsNothing() =>
        Assert.False(FhirServerAllowList.None.Allows(new Uri("https://ehr.test/fhir")));

    [Theory]
    [InlineData("https://ehr.test/fhir", "https://ehr.test/fhir/Patient/p-1", true)]
    [InlineData("https://ehr.test/fhir", "https://ehr.test/fhir/Coverage?patient=p-1", true)]
    [InlineData("https://ehr.test/fhir", "https://ehr.test/fhir/Patient/../../admin", false)]
    [InlineData("https://ehr.test/fhir", "https://ehr.test/fhir/%2e%2e/admin", false)]
    [InlineData("https://ehr.test/fhir", "https://ehr.test/fhir/Patient/..%2F..%2Fadmin", true)] // one escaped segment, below the base
    public void AReadUrl_IsUnderItsServerOnlyBelowItsBase(string server, string url, bool under) =>
        Assert.Equal(under, FhirServerAllowList.IsUnder(new Uri(url), new Uri(server)));

    [Theory]
    [InlineData("https://ehr.test/fhir", true)]
    [InlineData("ehr.test/fhir", false)]
    [InlineData("ftp://ehr.test/fhir", false)]
    [InlineData("https://user:pass@ehr.test/fhir", false)]
    [InlineData("https://ehr.test/fhir?x=1", false)]
    public void AConfiguredEntry_IsCheckedAtStart(string entry, bool usable)
    {
        var problem = FhirServerAllowList.Problem(entry);

        Assert.Equal(usable, problem is null);
        if (problem is not null) Assert.Contains("Coverage:AllowedFhirServers", problem, StringComparison.Ordinal);
    }
}
