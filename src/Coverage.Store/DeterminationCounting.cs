using System.Runtime.CompilerServices;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Coverage.Store;

/// <summary>
/// Counts determinations (<see cref="CoverageMetrics.LineDetermined"/>) when they are kept: a case added and
/// saved, whichever surface submitted it (the REST API, PAS). A resubmission that answers with an existing case,
/// or a save that fails, counts nothing. Counting is never a reason for a save to fail.
/// </summary>
public sealed class DeterminationCounting(CoverageMetrics metrics) : SaveChangesInterceptor
{
    /// <summary>The cases each context is saving, between the start of its save and its end.</summary>
    private readonly ConditionalWeakTable<DbContext, List<CaseRecord>> _saving = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Count(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Count(eventData.Context);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) _saving.Remove(context);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context) _saving.Remove(context);
    }

    private void Note(DbContext? context)
    {
        if (context is null) return;
        var added = context.ChangeTracker.Entries<CaseRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count > 0) _saving.AddOrUpdate(context, added);
        else _saving.Remove(context);
    }

    private void Count(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var cases)) return;
        _saving.Remove(context);
        Kept(cases);
    }

    /// <summary>Counts the determinations of cases written without SaveChanges (the new-case writer), once they are committed.</summary>
    public void Kept(IEnumerable<CaseRecord> cases)
    {
        foreach (var record in cases) CountLines(record.DeterminationJson);
    }

    /// <summary>
    /// Counts a determination kept as a new case, from the determination the case was written from (the new-case
    /// writer, for a submission just evaluated: the same outcome and deciding policy per line as its JSON says,
    /// without reading that JSON back).
    /// </summary>
    public void Kept(Determination determination)
    {
        foreach (var line in determination.Lines) metrics.LineDetermined(line.Outcome.ToWire(), line.Policy?.Id);
    }

    /// <summary>Each line's outcome and policy id, read by the contract's one reader.</summary>
    private void CountLines(Utf8Json determinationJson)
    {
        try
        {
            foreach (var line in DeterminationReader.ReadLineSummaries(determinationJson))
                metrics.LineDetermined(line.Outcome.ToWire(), line.PolicyId);
        }
        catch (DeterminationReadException)
        {
            // A document the reader refuses is not counted; the case itself is kept all the same.
        }
    }
}
