using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public void OnLabelCryoablation_UnderStandardPlan_IsNotMedicallyNecessaryPendingPhysicianReview()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Json());

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(FdaLabelStatus.OnLabel, line.FdaLabel!.Status);
        Assert.True(determination.RequiresPhysicianReview);
    }
}
