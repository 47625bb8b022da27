namespace Coverage.Claims.Batch;

/// <summary>What the results file holds for each decided claim (docs/batch.md, "Results").</summary>
public enum ResultsMode
{
    /// <summary>The whole determination of request-and-determination.md, as <c>coverage evaluate</c> prints it.</summary>
    Full,

    /// <summary>Outcomes, reason codes, policy versions and what is needed, without rationale, citations or trace.</summary>
    Compact,
}

public static class ResultsModes
{
    public static string ToWire(this ResultsMode mode) => mode switch
    {
        ResultsMode.Full => "full",
        ResultsMode.Compact => "compact",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static ResultsMode? Parse(string? value) => value switch
    {
        "full" => ResultsMode.Full,
        "compact" => ResultsMode.Compact,
        _ => null,
    };
}
