namespace Coverage.Benchmarks.Tests;

/// <summary>The `case-commits` command measures cases that were written: it reports only when every case submitted is stored.</summary>
public sealed class CaseCommitsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task EveryCaseSubmitted_IsStored_BeforeAFigureIsReported(int concurrency)
    {
        Assert.Equal(0, await CaseCommits.Measure(cases: 20, concurrency, warmUp: 20));
    }
}
