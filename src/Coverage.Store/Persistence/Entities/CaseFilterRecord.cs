namespace Coverage.Store.Entities;

/// <summary>
/// One value a case is listed by — a policy that governed a line, or a modality of a line — as a row of its own,
/// so that a filtered list is an indexed lookup on (<see cref="Kind"/>, <see cref="Value"/>) rather than a text
/// search through every case. Written with the case's determination, in the same SaveChanges.
/// </summary>
public sealed class CaseFilterRecord
{
    public const string PolicyKind = "policy";
    public const string ModalityKind = "modality";

    public Guid CaseId { get; set; }
    /// <summary><see cref="PolicyKind"/> or <see cref="ModalityKind"/>.</summary>
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    /// <summary>Where the value first appears among the case's lines (0-based): a case's summary lists them in line order.</summary>
    public int Position { get; set; }
}
