using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>What an update does to the lines of a case: which it adds, which it changes, which it cancels.</summary>
public sealed record LineChanges(IReadOnlySet<int> Added, IReadOnlySet<int> Changed, IReadOnlySet<int> Cancelled)
{
    /// <summary>
    /// Compares the stored request's lines with an update's: a line is changed when anything the evaluation reads of
    /// it differs (code, modifiers, units, its date of service — its own, else its request's —, place, description); a
    /// line the update does not list is kept as it was. <paramref name="updated"/> is null for a cancellation of all.
    /// </summary>
    public static LineChanges Of(CoverageRequest stored, CoverageRequest? updated, IEnumerable<int> cancelled)
    {
        var added = new HashSet<int>();
        var changed = new HashSet<int>();
        foreach (var line in updated?.ServiceLines ?? [])
        {
            var before = stored.ServiceLines.FirstOrDefault(l => l.Sequence == line.Sequence);
            if (before is null) added.Add(line.Sequence);
            else if (!Same(before, before.DateOfService ?? stored.DateOfService, line, line.DateOfService ?? updated!.DateOfService)) changed.Add(line.Sequence);
        }
        return new LineChanges(added, changed, cancelled.ToHashSet());
    }

    private static bool Same(ServiceLine a, DateOnly aDate, ServiceLine b, DateOnly bDate) =>
        a.Code == b.Code && a.Modifiers.SequenceEqual(b.Modifiers) && a.Units == b.Units && a.UnitOfMeasure == b.UnitOfMeasure
        && aDate == bDate && a.PlaceOfService == b.PlaceOfService && a.Description == b.Description;

    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Cancelled.Count == 0;
}
