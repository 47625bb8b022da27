using System.Globalization;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Mvc;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// The case page's clock and appeal steps (issue 18): a reviewer extends the decision clock, a physician records a
/// peer-to-peer discussion, payer staff record an appeal's external review. Each goes through CaseService under the
/// REST API's rules; what was typed is kept when a step is refused.
/// </summary>
public sealed partial class CaseModel
{
    /// <summary>The form a refused step came from (extend, peer-to-peer, external-review), and its fields as typed.</summary>
    public string? FailedStep { get; private set; }
    public IReadOnlyDictionary<string, string?> FailedFields { get; private set; } = new Dictionary<string, string?>();

    /// <summary>What the failed <paramref name="step"/>'s <paramref name="field"/> held, for the form to show again.</summary>
    public string? Typed(string step, string field) => FailedStep == step ? FailedFields.GetValueOrDefault(field) : null;

    public async Task<IActionResult> OnPostExtendAsync(string? days, string? reason, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string?> { ["days"] = days, ["reason"] = reason };
        if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            return await StepFailed("extend", fields, "Give the extension in whole days (at least 1).", cancellationToken);
        var result = await cases.ExtendAsync(Id, new ExtensionSubmission(count, reason?.Trim() ?? ""), HttpContext.Caller(), cancellationToken);
        return await StepDone("extend", fields, result, view => $"The clock is extended by {count} days; the decision is now due {Words.Utc(view.DueAt)}.", cancellationToken);
    }

    public async Task<IActionResult> OnPostPeerToPeerAsync(string? with, string? heldAt, string? summary, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string?> { ["with"] = with, ["heldAt"] = heldAt, ["summary"] = summary };
        // A datetime-local field carries no zone; the workbench shows and takes every time in UTC.
        if (!DateTime.TryParse(heldAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var held))
            return await StepFailed("peer-to-peer", fields, "Give when the discussion was held (date and time, UTC).", cancellationToken);
        var result = await cases.RecordPeerToPeerAsync(Id, new PeerToPeerSubmission(with?.Trim() ?? "", held, summary?.Trim() ?? ""), HttpContext.Caller(), cancellationToken);
        return await StepDone("peer-to-peer", fields, result, _ => "The peer-to-peer discussion is recorded on the case.", cancellationToken);
    }

    public async Task<IActionResult> OnPostExternalReviewAsync(string? organisation, string? result, string? lines, string? note, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string?> { ["organisation"] = organisation, ["result"] = result, ["lines"] = lines, ["note"] = note };
        List<int>? sequences = null;
        if (!string.IsNullOrWhiteSpace(lines))
        {
            sequences = [];
            foreach (var part in lines.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                    return await StepFailed("external-review", fields, $"'{part}' is not a line number; list the overturned lines as numbers (e.g. 1, 3).", cancellationToken);
                sequences.Add(sequence);
            }
        }
        var submission = new ExternalReviewSubmission(organisation?.Trim() ?? "", string.IsNullOrEmpty(result) ? null : result,
            string.IsNullOrWhiteSpace(note) ? null : note.Trim(), sequences);
        var recorded = await cases.RecordExternalReviewAsync(Id, submission, HttpContext.Caller(), cancellationToken);
        return await StepDone("external-review", fields, recorded, view => view.Appeal?.ExternalReviewResult is { } decided
            ? $"The external review's result is recorded: {decided}; final outcome {Words.Outcome(view.FinalOutcome ?? view.Outcome)}."
            : "The external review request is recorded.", cancellationToken);
    }

    private async Task<IActionResult> StepDone(string step, Dictionary<string, string?> fields, StoreResult<CaseView> result, Func<CaseView, string> done, CancellationToken cancellationToken)
    {
        if (result.Error is null)
        {
            Done = done(result.Value!);
            return RedirectToPage(new { id = Id });
        }
        if (result.Error.Kind == StoreErrorKind.NotFound) return NotFound();
        Response.StatusCode = StoreErrorStatus.Of(result.Error.Kind);
        var problem = result.Error.Fields is { Count: > 0 } errors ? string.Join("; ", errors.Select(f => $"{f.Field}: {f.Message}")) : result.Error.Message;
        return await StepFailed(step, fields, problem, cancellationToken);
    }

    private async Task<IActionResult> StepFailed(string step, Dictionary<string, string?> fields, string problem, CancellationToken cancellationToken)
    {
        (FailedStep, FailedFields) = (step, fields);
        return await Failed(problem, cancellationToken);
    }
}
