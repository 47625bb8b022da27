using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Claims;

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
    public override string ToString() => Field is null ? Message : $"{Field}: {Message}";
}

/// <summary>
/// One record of an input file, in input order: a claim mapped to the coverage request JSON of
/// request-and-determination.md, or a record the reader already rejected (a malformed segment, an envelope
/// error, a claim without lines). The JSON is validated and decided later by the engine itself.
/// </summary>
public sealed record ClaimRecord
{
    /// <summary>Where the record begins (the CLM segment, the first CSV row, the NDJSON line).</summary>
    public required RecordPosition Position { get; init; }

    /// <summary>The claim id as the file gives it (CLM01, claim_id, requestId); null when the record has none.</summary>
    public string? ClaimId { get; init; }

    /// <summary>The coverage request JSON (UTF-8); empty when the reader rejected the record.</summary>
    public ReadOnlyMemory<byte> RequestJson { get; init; }

    /// <summary>Where each request field came from, so that an input error names the segment or line as well.</summary>
    public FieldPositions? Fields { get; init; }

    /// <summary>Problems the reader found; a record with any is rejected without evaluation.</summary>
    public IReadOnlyList<RecordError> Errors { get; init; } = [];

    public bool IsRejected => Errors.Count > 0;

    /// <summary>
    /// The coverage request, read by the engine's own <see cref="RequestReader"/>: the same rules as the JSON
    /// contract, so that a bad date or code is an input error naming the field, here also positioned at the
    /// segment or line the field came from. In a batch the request id is the claim id, so it is required.
    /// </summary>
    public (CoverageRequest? Request, IReadOnlyList<RecordError> Errors) Validate(PolicyCatalogue catalogue)
    {
        if (IsRejected) return (null, Errors);
        var read = RequestReader.Read(RequestJson, catalogue);
        if (!read.IsValid)
        {
            var fields = Fields ?? new FieldPositions(Position);
            return (null, read.Errors.Select(e => new RecordError(fields.Find(e.Field), e.Field, e.Message)).ToList());
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

/// <summary>
/// Maps request fields (JSON paths such as serviceLines[1].dateOfService) to where they were read, so that an
/// error from the request reader can say which segment or line holds the bad value. A field not recorded falls
/// back to its parent path (serviceLines[1].code → serviceLines[1]), then to the record's start.
/// </summary>
public sealed class FieldPositions(RecordPosition start)
{
    private readonly Dictionary<string, RecordPosition> _positions = new(StringComparer.Ordinal);

    public RecordPosition Start { get; } = start;

    public void Set(string field, RecordPosition position) => _positions[field] = position;

    public RecordPosition Find(string field)
    {
        var path = field;
        while (true)
        {
            if (_positions.TryGetValue(path, out var position)) return position;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0) return Start;
            path = path[..cut];
        }
    }
}
