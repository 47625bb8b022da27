using System.Text.RegularExpressions;

namespace Coverage.Fhir.Crd;

/// <summary>
/// FHIR's relative literal reference (<c>Type/id</c>, or <c>Type/id/_history/version</c>; R4 §2.3.0.1 "Literal
/// References"): the only shape of a reference the CRD service reads from an EHR's FHIR server. Anything else a hook
/// call writes there — a query (<c>ServiceRequest/1?_include=…</c>), more path, another server's URL — is not sent.
/// </summary>
internal static partial class RelativeReference
{
    /// <summary>Whether <paramref name="reference"/> is a relative literal reference (every character of which is safe in a URL path).</summary>
    public static bool IsLiteral(string reference) => Grammar().IsMatch(reference);

    [GeneratedRegex(@"^[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
