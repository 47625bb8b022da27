namespace Coverage.Cases.Tests;

/// <summary>What a list of cases may ask for.</summary>
public sealed class CaseQueryRulesTests
{
    [Fact]
    public void AValidQuery_HasNoFaults() =>
        Assert.Empty(CaseQueryRules.Validate(new CaseQuery { Statuses = [CaseStatus.Final, CaseStatus.PendingInformation], Modality = "tms-standard", Policy = "L34998.v2", Page = CaseQueryRules.MaxPage, PageSize = CaseQueryRules.MaxPageSize }));

    [Fact]
    public void EachFault_NamesItsParameter()
    {
        var query = new CaseQuery { Statuses = ["open"], Modality = "tms standard", Policy = "", Page = 0, PageSize = CaseQueryRules.MaxPageSize + 1 };

        var faults = CaseQueryRules.Validate(query);

        Assert.Equal(["status", "modality", "policy", "page", "pageSize"], faults.Select(f => f.Field));
        Assert.Equal("'open' is not one of final, pending-physician-review, pending-information, cancelled", faults[0].Message);
    }

    [Fact]
    public void APageBeyondTheLast_IsRefused() =>
        Assert.Equal("page", Assert.Single(CaseQueryRules.Validate(new CaseQuery { Page = CaseQueryRules.MaxPage + 1 })).Field);

    [Theory]
    [InlineData("tms-standard_2.v1", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("laser x", false)]
    [InlineData("laser%", false)]
    [InlineData("ünicode", false)]
    public void AFilterWord_IsAnId(string value, bool isWord) => Assert.Equal(isWord, CaseQueryRules.IsFilterWord(value));

    [Fact]
    public void AFilterWord_IsAtMost64Characters()
    {
        Assert.True(CaseQueryRules.IsFilterWord(new string('a', 64)));
        Assert.False(CaseQueryRules.IsFilterWord(new string('a', 65)));
    }
}
