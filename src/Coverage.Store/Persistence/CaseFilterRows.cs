using Coverage.Store.Entities;

namespace Coverage.Store;

/// <summary>The rows a case is listed by (<see cref="CaseFilterRecord"/>), kept in step with its latest determination.</summary>
internal static class CaseFilterRows
{
    /// <summary>
    /// Makes the case's rows of one kind exactly <paramref name="values"/>, in that order. Rows that stay are
    /// updated in place rather than deleted and added again: a row's key is its value, and one SaveChanges
    /// cannot both delete and insert the same key.
    /// </summary>
    public static void Replace(CaseRecord record, string kind, IReadOnlyList<string> values)
    {
        record.Filters.RemoveAll(f => f.Kind == kind && !values.Contains(f.Value));
        for (var position = 0; position < values.Count; position++)
        {
            var row = record.Filters.FirstOrDefault(f => f.Kind == kind && f.Value == values[position]);
            if (row is null) record.Filters.Add(new CaseFilterRecord { CaseId = record.Id, Kind = kind, Value = values[position], Position = position });
            else row.Position = position;
        }
    }

    /// <summary>The case's values of one kind, in line order (loaded with the case).</summary>
    public static IReadOnlyList<string> Values(CaseRecord record, string kind) =>
        record.Filters.Where(f => f.Kind == kind).OrderBy(f => f.Position).Select(f => f.Value).ToList();
}
