using Coverage.Engine.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Coverage.Store;

/// <summary>
/// How the store maps a <see cref="Utf8Json"/> property: to a text column, as the text of the document. EF reads and
/// updates it as that text; a new row written by <see cref="ModelInserts"/> on SQLite binds the document's bytes as
/// the column's text instead (no UTF-16 copy on the way in).
/// </summary>
internal static class Utf8JsonMapping
{
    public static readonly ValueConverter<Utf8Json, string> Converter = new(json => json.ToString(), text => Utf8Json.FromText(text));

    /// <summary>Equal documents are equal bytes; a document never changes, so its snapshot is itself.</summary>
    public static readonly ValueComparer<Utf8Json> Comparer = new(
        (a, b) => a == null ? b == null : a.Equals(b), json => json.GetHashCode(), json => json);
}
