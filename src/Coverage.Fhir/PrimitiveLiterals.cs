using System.Collections.Concurrent;
using Hl7.Fhir.Introspection;

namespace Coverage.Fhir;

/// <summary>
/// The primitive literals (a uri, a code, a dateTime, …) already found valid for their type, so that one seen again —
/// and a request repeats most of its systems, codes and dates in every call — is not parsed again (a uri's check builds a
/// <see cref="Uri"/>, a code's runs a regular expression, a date's parses it): about 40 % of <see cref="ModelRules"/>'
/// walk over a PAS Bundle was these checks (docs/benchmarks.md, session 16).
/// </summary>
/// <remarks>
/// Only answers of "valid" are kept, and only for a type whose object check is a function of its literal alone
/// (<c>ModelRules.NodeRules.LiteralDecidesObject</c>), so remembering one changes no answer. The memory is bounded: literals
/// longer than <see cref="MaxLength"/> are not kept, and once <see cref="MaxEntries"/> are kept the set starts again
/// empty, so a caller sending endless distinct literals costs only the checks it would have cost anyway.
/// </remarks>
internal static class PrimitiveLiterals
{
    public const int MaxLength = 256;
    public const int MaxEntries = 20_000;

    private static readonly ConcurrentDictionary<(ClassMapping Type, string Literal), bool> Valid = new();

    /// <summary>
    /// How many literals were added since the set was last emptied — kept beside it because
    /// <see cref="ConcurrentDictionary{TKey,TValue}.Count"/> takes every one of the set's locks, and asked on every new
    /// literal it was 3 % of a PAS <c>$submit</c>'s CPU under load (docs/benchmarks.md, session 18).
    /// </summary>
    private static int _added;

    /// <summary>How many literals are remembered.</summary>
    public static int Count => Valid.Count;

    /// <summary>Whether the literal was found valid for the type before (false: not known, not "invalid").</summary>
    public static bool IsKnownValid(ClassMapping type, string literal) =>
        literal.Length <= MaxLength && Valid.ContainsKey((type, literal));

    /// <summary>Remembers that the literal is valid for the type (after the type's own check said so).</summary>
    public static void RememberValid(ClassMapping type, string literal)
    {
        if (literal.Length > MaxLength || !Valid.TryAdd((type, literal), true)) return;
        // Threads racing past the bound may each empty the set: harmless, it is only remembered work.
        if (Interlocked.Increment(ref _added) <= MaxEntries) return;
        Valid.Clear();
        Volatile.Write(ref _added, 0);
    }
}
