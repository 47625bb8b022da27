using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coverage.Claims;

/// <summary>
/// A claim as a file states it, before validation: the 837P and CSV readers fill one, and <see cref="ToRecord"/>
/// writes it as coverage request JSON, so that every value passes through the same RequestReader rules as the
/// JSON contract (a bad date or code becomes an input error naming the field). Dates are YYYY-MM-DD text.
/// </summary>
internal sealed class ClaimDraft(RecordPosition start)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public RecordPosition Start { get; } = start;
    public FieldPositions Fields { get; } = new(start);
    public List<RecordError> Errors { get; } = [];

    public string? ClaimId { get; set; }
    public string? MemberId { get; set; }
    public string? BirthDate { get; set; }
    public string? PlanId { get; set; }
    public List<string> Diagnoses { get; } = [];
    public List<LineDraft> Lines { get; } = [];
    public bool TooManyLines { get; set; }

    /// <summary>A record keeps at most this many problems, so that a pathological claim cannot grow without bound.</summary>
    public const int MaxErrors = 100;

    /// <summary>A claim holds at most this many lines (the 837P allows 50); beyond them it is rejected, not held.</summary>
    public const int MaxLines = 999;

    public void Error(RecordPosition position, string? field, string message) => Error(new RecordError(position, field, message));

    public void Error(RecordError error)
    {
        if (Errors.Count < MaxErrors) Errors.Add(error);
    }

    /// <summary>The claim's date of service: the earliest valid line date (claims carry one per line).</summary>
    private (string? Date, RecordPosition? At) ClaimDate()
    {
        LineDraft? earliest = null;
        DateOnly earliestDate = default;
        foreach (var line in Lines)
        {
            if (line.DateOfService is null) continue;
            if (DateOnly.TryParseExact(line.DateOfService, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                if (earliest is null || date < earliestDate) (earliest, earliestDate) = (line, date);
            }
        }
        // No valid date: the first one given stands, so that the request reader names it as the bad value.
        earliest ??= Lines.FirstOrDefault(l => l.DateOfService is not null);
        return (earliest?.DateOfService, earliest?.DateAt);
    }

    /// <summary>The record: rejected with the reader's errors, or the claim as coverage request JSON.</summary>
    public ClaimRecord ToRecord()
    {
        if (Errors.Count > 0) return ClaimRecord.Rejected(Start, ClaimId, [.. Errors]);

        var (claimDate, claimDateAt) = ClaimDate();
        if (claimDateAt is { } at) Fields.Set("dateOfService", at);

        var buffer = new ArrayBufferWriter<byte>(512 + 160 * Lines.Count);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (ClaimId is not null) writer.WriteString("requestId", ClaimId);
            writer.WriteString("kind", "claim");
            writer.WriteStartObject("member");
            if (MemberId is not null) writer.WriteString("id", MemberId);
            if (BirthDate is not null) writer.WriteString("birthDate", BirthDate);
            if (PlanId is not null) writer.WriteString("planId", PlanId);
            writer.WriteEndObject();
            if (claimDate is not null) writer.WriteString("dateOfService", claimDate);
            writer.WriteStartArray("diagnoses");
            foreach (var diagnosis in Diagnoses) writer.WriteStringValue(diagnosis);
            writer.WriteEndArray();
            writer.WriteStartArray("serviceLines");
            foreach (var line in Lines)
            {
                writer.WriteStartObject();
                writer.WriteNumber("sequence", line.Sequence);
                writer.WriteString("code", line.Code);
                if (line.Modifiers.Count > 0)
                {
                    writer.WriteStartArray("modifiers");
                    foreach (var modifier in line.Modifiers) writer.WriteStringValue(modifier);
                    writer.WriteEndArray();
                }
                if (line.Description is not null) writer.WriteString("description", line.Description);
                writer.WriteNumber("units", line.Units);
                if (line.DateOfService is not null && line.DateOfService != claimDate) writer.WriteString("dateOfService", line.DateOfService);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return new ClaimRecord { Position = Start, ClaimId = ClaimId, RequestJson = buffer.WrittenMemory.ToArray(), Fields = Fields };
    }
}

/// <summary>One service line as the file states it.</summary>
internal sealed class LineDraft
{
    public int Sequence { get; set; }
    public string Code { get; set; } = "";
    public List<string> Modifiers { get; } = [];
    public string? Description { get; set; }
    public int Units { get; set; } = 1;
    public string? DateOfService { get; set; }
    public RecordPosition? DateAt { get; set; }
}
