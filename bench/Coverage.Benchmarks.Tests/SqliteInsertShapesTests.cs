namespace Coverage.Benchmarks.Tests;

/// <summary>The two insert shapes the `sqlite-inserts` command compares write the same rows, so the comparison is of like with like.</summary>
public sealed class SqliteInsertShapesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void BothShapes_WriteEveryRow(int rows)
    {
        using var shapes = new SqliteInsertShapes();

        Assert.Equal(rows, shapes.MultiRow(rows));
        Assert.Equal(rows, shapes.RowByRow(rows));
    }
}
