using System.Buffers;
using System.Collections.Frozen;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Descriptions;

namespace Coverage.Engine.Evaluation;

/// <summary>What an unlisted code's free-text description names (spec section 4).</summary>
internal enum DescriptionKind
{
    Missing,
    Modality,
    RelatedResource,
    UnspecifiedProcedure,
    Ambiguous,
    Unrelated,
    /// <summary>Not plain text once normalised (<see cref="DescriptionText"/>): it is not classified at all.</summary>
    NotPlainText,
}

/// <summary>
/// The classification of a description: its kind, the modality or related resource it names, and which of
/// the classifier's terms it matched (<see cref="Terms"/> is one bit per term, in the classifier's order).
/// <see cref="Reading"/> is how the description was read when that was not as it is: the plain text it was
/// normalised to, or why it is not plain text (<see cref="DescriptionKind.NotPlainText"/>); null for plain ASCII.
/// </summary>
internal readonly record struct DescriptionMatch(DescriptionKind Kind, string? Target, ulong Terms, DescriptionReading? Reading = null);

/// <summary>
/// Classifies descriptions by the policy's synonyms: case-insensitive, whole words, punctuation read as
/// spaces. A specific name wins over a generic "ablation"; two specific names that disagree are ambiguous.
/// The description is normalised into a rented buffer and matched word by word against the terms that
/// start with each word, so that a line costs a few hash look-ups and allocates nothing. A description with
/// any character beyond printable ASCII is first read as plain text (<see cref="DescriptionText"/>), which
/// allocates; one that cannot be is not matched at all.
/// </summary>
internal sealed class DescriptionClassifier
{
    /// <summary>Terms in order: the specific ones (modality synonyms, then related resources), then the unspecified ones.</summary>
    private readonly (string Text, DescriptionKind Kind, string? Target)[] _terms;
    private readonly int _specific;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _byFirstWord;

    /// <summary>The matched terms are one bit each of a 64-bit word: a policy may define at most this many description terms.</summary>
    public const int MaxTerms = 64;

    public DescriptionClassifier(CoveragePolicy policy)
    {
        var terms = new List<(string, DescriptionKind, string?)>();
        foreach (var modality in policy.Modalities.Values)
            foreach (var term in modality.Synonyms)
                terms.Add((term, DescriptionKind.Modality, modality.Id));
        foreach (var resource in policy.RelatedResources)
            foreach (var term in resource.MatchTerms)
                terms.Add((term, DescriptionKind.RelatedResource, resource.Title));
        _specific = terms.Count;
        foreach (var term in policy.UnspecifiedProcedureTerms)
            terms.Add((term, DescriptionKind.UnspecifiedProcedure, null));
        _terms = [.. terms];
        // The catalogue loader refuses a policy with more terms (file, path and reason), so this is never reached from a loaded catalogue.
        if (_terms.Length > MaxTerms) throw new NotSupportedException($"Policy {policy.Id} has {_terms.Length} description terms; the classifier holds at most {MaxTerms}.");

        // Terms are normalised by the loader (CatalogueLoader.TermText): lower-case words separated by single spaces.
        _byFirstWord = _terms
            .Select((t, i) => (First: t.Text.Split(' ')[0], Index: i))
            .Where(t => t.First.Length > 0)
            .GroupBy(t => t.First, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(t => t.Index).ToArray(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The matched terms of a <see cref="DescriptionMatch"/>, in the classifier's order.</summary>
    public IEnumerable<string> TermsOf(ulong terms)
    {
        for (var i = 0; i < _terms.Length; i++)
            if ((terms & (1UL << i)) != 0) yield return _terms[i].Text;
    }

    public DescriptionMatch Classify(string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return new(DescriptionKind.Missing, null, 0);
        if (DescriptionText.IsPlainAscii(description)) return Match(description);

        // Beyond ASCII: match what a person reading the description sees, or nothing if that cannot be told.
        var reading = DescriptionText.Read(description);
        if (reading.Problem is not null) return new(DescriptionKind.NotPlainText, null, 0, reading);
        if (reading.Changes is null) return Match(description);
        if (string.IsNullOrWhiteSpace(reading.Text)) return new(DescriptionKind.Missing, null, 0, reading);
        return Match(reading.Text) with { Reading = reading };
    }

    private DescriptionMatch Match(string description)
    {
        // " " + CatalogueLoader.TermText(description) + " ": letters and digits in lower case, anything else one space.
        // The description is plain text here (DescriptionText), so its letters and digits are ASCII.
        char[]? rented = null;
        var buffer = description.Length + 2 <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(description.Length + 2));
        var length = 0;
        buffer[length++] = ' ';
        foreach (var c in description)
        {
            if (char.IsAsciiLetterOrDigit(c)) buffer[length++] = char.ToLowerInvariant(c);
            else if (buffer[length - 1] != ' ') buffer[length++] = ' ';
        }
        if (buffer[length - 1] != ' ') buffer[length++] = ' ';
        var text = buffer[..length];

        ulong matched = 0;
        for (var start = 1; start < text.Length; )
        {
            var end = start + text[start..].IndexOf(' ');
            if (_byFirstWord.TryGetValue(text[start..end], out var candidates))
            {
                foreach (var index in candidates)
                {
                    var term = _terms[index].Text;
                    // The term, then a space: the whole words of the term from here.
                    if (text.Length - start > term.Length && text.Slice(start, term.Length).SequenceEqual(term) && text[start + term.Length] == ' ')
                        matched |= 1UL << index;
                }
            }
            start = end + 1;
        }
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);

        var specific = _specific == 64 ? matched : matched & ((1UL << _specific) - 1);
        if (specific != 0)
        {
            var kind = DescriptionKind.Unrelated;
            string? target = null;
            for (var i = 0; i < _specific; i++)
            {
                if ((specific & (1UL << i)) == 0) continue;
                var (_, termKind, termTarget) = _terms[i];
                if (target is null)
                {
                    kind = termKind;
                    target = termTarget;
                }
                else if (target != termTarget)
                {
                    kind = DescriptionKind.Ambiguous;
                }
            }
            return new(kind, kind == DescriptionKind.Ambiguous ? null : target, specific);
        }

        // No specific name: the first generic term (in the policy's order) that the description names.
        for (var i = _specific; i < _terms.Length; i++)
            if ((matched & (1UL << i)) != 0)
                return new(DescriptionKind.UnspecifiedProcedure, null, 1UL << i);
        return new(DescriptionKind.Unrelated, null, 0);
    }
}
