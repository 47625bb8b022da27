using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Claims;

/// <summary>The claim frequency of an 837P (CLM05-3): 1 original, 7 replacement of a prior claim, 8 void of a prior claim.</summary>
public enum ClaimFrequency
{
    Original,
    Replacement,
    Void,
}

/// <summary>What a position in an input file counts: X12 segments (from 1, over the whole file) or text lines.</summary>
public enum PositionUnit
{
    Segment,
    Line,
}

/// <summary>Where something is in an input file: "segment 57" of an 837, "line 12" of a CSV or NDJSON file.</summary>
public readonly record struct RecordPosition(PositionUnit Unit, long Number)
{
    public static RecordPosition Segment(long number) => new(PositionUnit.Segment, number);
    public static RecordPosition Line(long number) => new(PositionUnit.Line, number);

    public override string ToString() => $"{(Unit == PositionUnit.Segment ? "segment" : "line")} {Number}";
}

/// <summary>One problem with a record: where it is, the request field it concerns (if any) and what is wrong.</summary>
public sealed record RecordError(RecordPosition Position, string? Field, string Message)
{
    /// <summary>
    /// What is wrong, bounded as the engine bounds what its errors echo (<see cref="InputEcho.Message"/>): a value it
    /// quotes at most 64 characters, the whole at most 512. The readers quote what they could not read ("SV104: '…'
    /// is not a number"), and an element may be 64 KiB: a record keeps up to 100 problems, held until its
    /// transaction set closes and then written to the errors file, each of which was as long as what it quoted.
    /// </summary>
    public string Message { get; } = Bound(Message);

    public override string ToString() => Field is null ? Message : $"{Field}: {Message}";

    /// <summary>
    /// The message as <see cref="InputEcho.Message"/> leaves it. Most are short and quote short values, and a file
    /// can hold millions of bad records: one with no 65 characters between quotes and at most 512 in all is already
    /// bounded, and is kept without the regular expression.
    /// </summary>
    private static string Bound(string message)
    {
        if (message.Length > InputEcho.MaxMessage) return InputEcho.Message(message);
        var run = 0;
        foreach (var c in message)
        {
            run = c == '\'' ? 0 : run + 1;
            if (run > InputEcho.MaxValue) return InputEcho.Message(message);
        }
        return message;
    }
}

/// <summary>
/// One record of an input file, in input order: a claim the 837P or CSV reader read (validated and decided later,
/// by a worker, with the engine's request rules), a coverage request as NDJSON (read by the engine's RequestReader),
/// or a record the reader already rejected (a malformed segment, an envelope error, a claim without lines).
/// </summary>
public sealed record ClaimRecord
{
    /// <summary>Where the record begins (the CLM segment, the first CSV row, the NDJSON line).</summary>
    public required RecordPosition Position { get; init; }

    /// <summary>The claim id as the file gives it (CLM01, claim_id, requestId); null when the record has none.</summary>
    public string? ClaimId { get; init; }

    /// <summary>The coverage request JSON (UTF-8) of an NDJSON record; empty for other records.</summary>
    public ReadOnlyMemory<byte> RequestJson { get; init; }

    /// <summary>The claim of an 837P or CSV record, with where each of its values was read.</summary>
    internal ClaimDraft? Draft { get; init; }

    /// <summary>
    /// What the file says was billed for each line, in line order (837P SV102, a CSV "charge" column); null where it
    /// states none. Empty for NDJSON requests and rejected records. Never an input to a decision.
    /// </summary>
    public IReadOnlyList<decimal?> LineCharges => Draft is { } draft ? [.. draft.Lines.Select(l => l.Charge)] : [];

    /// <summary>The service lines an 837P or CSV claim holds in memory until it is decided; 0 for other records.</summary>
    internal int LineCount => Draft?.Lines.Count ?? 0;

    /// <summary>
    /// About how many service lines the record will be decided on, to cut batches by the memory they take (a full
    /// determination is some kilobytes a line): an 837P or CSV claim's lines; an NDJSON request, not parsed until a
    /// worker takes it, one per 128 bytes of its JSON (a service line of a request takes more, with the claim's own
    /// fields around them), so that a batch of them is bounded by its size too (a line may be 1 MiB).
    /// </summary>
    internal int LinesToDecide => Draft is { } draft ? draft.Lines.Count : RequestJson.Length / 128;

    /// <summary>Problems the reader found; a record with any is rejected without evaluation.</summary>
    public IReadOnlyList<RecordError> Errors { get; init; } = [];

    public bool IsRejected => Errors.Count > 0;

    /// <summary>What the claim does to the payer's records (837P CLM05-3): a new claim, a replacement of one, or a void of one.</summary>
    public ClaimFrequency Frequency { get; init; } = ClaimFrequency.Original;

    /// <summary>The payer's claim control number of the claim a replacement or void refers to (2300 REF*F8), where given.</summary>
    public string? OriginalClaim { get; init; }

    /// <summary>An encounter (837P BHT06 RP): reported for the record, not a request for payment.</summary>
    public bool Encounter { get; init; }

    /// <summary>
    /// The coverage request, held to the rules of the JSON contract: an 837P or CSV claim by the engine's
    /// <see cref="RequestValidator"/>, an NDJSON line by its <see cref="RequestReader"/> (the same rules), so that a
    /// bad date or code is an input error naming the field, here also positioned at the segment or line the field
    /// came from. In a batch the request id is the claim id, so it is required.
    /// </summary>
    public (CoverageRequest? Request, IReadOnlyList<RecordError> Errors) Validate(PolicyCatalogue catalogue)
    {
        if (IsRejected) return (null, Errors);
        var draft = Draft;
        var read = draft is not null ? RequestValidator.Validate(draft.ToRequest(), catalogue) : RequestReader.Read(RequestJson, catalogue);
        if (!read.IsValid)
        {
            var errors = new List<RecordError>(read.Errors.Count);
            foreach (var error in read.Errors) errors.Add(new RecordError(draft?.Find(error.Field) ?? Position, error.Field, error.Message));
            return (null, errors);
        }
        if (read.Request!.RequestId is null)
            return (null, [new RecordError(Position, "requestId", "required in a batch file: it is the claim id")]);
        return (read.Request, []);
    }

    public static ClaimRecord Rejected(RecordPosition position, string? claimId, IReadOnlyList<RecordError> errors) =>
        new() { Position = position, ClaimId = claimId, Errors = errors };

    public static ClaimRecord Rejected(RecordPosition position, string message) =>
        new() { Position = position, Errors = [new RecordError(position, null, message)] };
}
