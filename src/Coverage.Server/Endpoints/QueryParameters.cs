using Coverage.Engine.Text;
using Coverage.Engine.Validation;

namespace Coverage.Server.Endpoints;

/// <summary>
/// The query parameters a search, a report or a page takes. A parameter it does not know was silently passed over, so
/// that <c>?date=ge2026-01-01</c>, <c>?agent=…</c> or <c>?member=…</c> answered every row as if it had been applied, and a
/// repeated one was read as its values joined by commas (<c>?version=2026-03-15&amp;version=2026-03-15</c> was "no
/// version 2026-03-15,2026-03-15"): the caller believed it had narrowed what it read. Each is refused instead, naming
/// the parameter (bounded: the caller writes it).
/// </summary>
internal static class QueryParameters
{
    /// <summary>
    /// The first parameter that is not one of <paramref name="known"/> or is given more than once, and what is wrong with
    /// it (a phrase to follow its name); null when there is none.
    /// </summary>
    public static (string Name, string Message)? Problem(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach (var (name, values) in query)
        {
            var shown = Bounded.Text(name, 64);
            if (!known.Contains(name, StringComparer.Ordinal))
                return (shown, $"is not a parameter here (this takes {string.Join(", ", known)})");
            if (values.Count > 1) return (shown, $"is given {values.Count} times; give it once");
            // Every search value is an id, a code, a date or a number: none holds a control character (PostgreSQL refuses NUL outright).
            if (ControlCharacters.In(values[0])) return (shown, ControlCharacters.Message);
        }
        return null;
    }
}
