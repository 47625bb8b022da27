namespace Coverage.Server.Workbench;

/// <summary>Impact:* configuration: the folder whose sub-folders are the candidate catalogues an analyst may choose.</summary>
public sealed class ImpactOptions
{
    public const string Section = "Impact";

    /// <summary>A folder of catalogue folders (each with policies/ and plans/, or a catalogue.yaml that extends one); null: the catalogues/ folder beside the server's catalogue.</summary>
    public string? CandidatesPath { get; set; }

    /// <summary>Runs kept to be shown and downloaded (the oldest finished one goes first).</summary>
    public int RunsKept { get; set; } = 20;
}
