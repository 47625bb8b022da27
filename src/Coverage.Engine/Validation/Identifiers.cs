namespace Coverage.Engine.Validation;

/// <summary>
/// What every identifier of a coverage request (request id, member and plan ids) must be, for the adapters that make
/// one of their own (e.g. CRD's id per order) and for <see cref="RequestRules"/>, which checks the ids it is given.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 128;

    /// <summary>Printable ASCII only (space to tilde): see <see cref="RequestRules.Id"/> for why.</summary>
    public static bool IsPrintableAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange(' ', '~');
}
