using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// Which payer this server answers for: its name (the source label of every card, CRD "recognizable" label) and the
/// identifiers (system|value, e.g. an NAIC code or a payer id) that a Coverage.payor names it by.
/// </summary>
public sealed record PayerIdentity(string Name, IReadOnlyList<string> Identifiers)
{
    public static readonly PayerIdentity Unnamed = new("Coverage payer", []);

    /// <summary>Whether this server knows enough of its identity to tell another payer's Coverage from its own.</summary>
    public bool CanRecognise => Identifiers.Count > 0 || !ReferenceEquals(this, Unnamed);

    /// <summary>
    /// Whether the Coverage is one this server is responsible for (hook-13): true when a payor names this payer (by
    /// identifier, or by name on the reference or the Organization it resolves to), false when every payor names
    /// another one; null when no payor says who it is (a bare reference to an Organization the call does not carry):
    /// then the call is answered, as a payer cannot tell and the EHR sent the call to this payer.
    /// </summary>
    public bool? Serves(Hl7.Fhir.Model.Coverage coverage, Func<ResourceReference, Resource?> resolve) => Serves(coverage.Payor, resolve);

    /// <summary>
    /// Whether the payers named by <paramref name="references"/> (a Coverage's payors, a PAS Claim's insurer) include
    /// this one: true, false when every one that says who it is names another payer, null when none says who it is.
    /// </summary>
    public bool? Serves(IEnumerable<ResourceReference?> references, Func<ResourceReference, Resource?> resolve)
    {
        if (!CanRecognise) return null;
        var anyKnown = false;
        foreach (var payor in references)
        {
            if (payor is null) continue;
            var organization = resolve(payor) as Organization;
            var identifiers = new List<Identifier>();
            if (payor.Identifier is { } identifier) identifiers.Add(identifier);
            if (organization is not null) identifiers.AddRange(organization.Identifier);
            var names = new[] { payor.Display, organization?.Name }.Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
            if (identifiers.Count == 0 && names.Count == 0) continue;
            anyKnown = true;
            if (identifiers.Any(i => Identifiers.Contains($"{i.System}|{i.Value}", StringComparer.Ordinal))
                || names.Any(n => string.Equals(n!.Trim(), Name, StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return anyKnown ? false : null;
    }

    /// <summary>How the payers a reference list names are shown in an error (display, identifier value or reference).</summary>
    public static string Named(IEnumerable<ResourceReference?> references, Func<ResourceReference, Resource?> resolve) =>
        string.Join(", ", references.OfType<ResourceReference>()
            .Select(r => r.Display ?? (resolve(r) as Organization)?.Name ?? r.Identifier?.Value ?? r.Reference)
            .OfType<string>().Distinct().Take(3));
}
