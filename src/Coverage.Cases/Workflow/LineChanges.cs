using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>What an update does to the lines of a case: which it adds, which it changes, which it cancels.</summary>
public sealed record LineChanges(IReadOnlySet<int> Added, IReadOnlySet<int> Changed, IReadOnlySet<int> Cancelled)
{
    /// <summary>
    /// Compares the stored request's lines with an update's: a line is changed when anything the evaluation reads of
    /// it differs (code, modifiers, units, date, place, description); a line the update does not list is kept as it was.
    /// </summary>
    public static LineChanges Of(IReadOnlyList<ServiceLine> stored, IReadOnlyList<ServiceLine> updated, IEnumerable<int> cancelled)
    {
        var added = new HashSet<int>();
        var changed = new HashSet<int>();
        foreach (var line in updated)
        {
            var before = stored.FirstOrDefault(l => l.Sequence == line.Sequence);
            if (before is null) added.Add(line.Sequence);
            else if (!Same(before, line)) changed.Add(line.Sequence);
        }
        return new LineChanges(added, changed, cancelled.ToHashSet());
    }

    private static bool Same(ServiceLine a, ServiceLine b) =>
        a.Code == b.Code && a.Modifiers.SequenceEqual(b.Modifiers) && a.Units == b.Units && a.UnitOfMeasure == b.UnitOfMeasure
        && a.DateOfService == b.DateOfService && a.PlaceOfService == b.PlaceOfService && a.Description == b.Description;

    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Cancelled.Count == 0;
}
