using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>What a caller may see, and whether it is a reviewer who may act on a case.</summary>
public sealed class CallerTests
{
    [Fact]
    public void ASubmitter_SeesOnlyItsOwnOrganisationsCases()
    {
        Assert.True(Client.MaySee("clinic-a"));
        Assert.False(Client.MaySee("clinic-b"));
        Assert.False(Client.MaySee("Clinic-A"));
    }

    [Fact]
    public void PayerStaff_SeeEveryCase() => Assert.True(Nurse.MaySee("clinic-b"));

    [Fact]
    public void OnlyAConfiguredPhysician_IsAPhysician()
    {
        Assert.True(Physician.IsPhysician);
        Assert.False(Nurse.IsPhysician);
        Assert.False(Client.IsPhysician);
    }

    [Fact]
    public void AReviewer_IsAConfiguredNurseOrPhysician()
    {
        Assert.True(Nurse.IsReviewer);
        Assert.True(Physician.IsReviewer);
        Assert.False(Client.IsReviewer);
        Assert.False((Client with { Person = new Reviewer("x", "X", "auditor") }).IsReviewer);
    }
}
