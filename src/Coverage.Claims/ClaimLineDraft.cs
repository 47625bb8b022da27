using Coverage.Engine.Model;

namespace Coverage.Claims;

/// <summary>One service line as the file states it, with where it was read.</summary>
internal sealed class ClaimLineDraft(RecordPosition at)
{
    /// <summary>Where the line is: its LX segment or CSV row.</summary>
    public RecordPosition At { get; } = at;
    /// <summary>Where its code, modifiers, description and units were read (an 837P's SV1); null: at <see cref="At"/>.</summary>
    public RecordPosition? ProcedureAt { get; set; }
    public int Sequence { get; set; }
    public string Code { get; set; } = "";
    public List<string> Modifiers { get; } = [];
    public string? Description { get; set; }
    public decimal Units { get; set; } = 1;
    public UnitOfMeasure UnitOfMeasure { get; set; } = UnitOfMeasure.Unit;
    public string? DateOfService { get; set; }
    public RecordPosition? DateAt { get; set; }
    /// <summary>The line's own place of service (X12 SV105), read at its SV1.</summary>
    public string? PlaceOfService { get; set; }
    /// <summary>
    /// What the provider billed for the line (X12 SV102, CSV "charge"), when the file states a valid amount. Not part of
    /// the request: nothing decides on it; `coverage impact` totals the billed amounts of the lines a change affects.
    /// </summary>
    public decimal? Charge { get; set; }
}
