using System.Collections;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The modifier extensions of a PAS request Bundle. FHIR R4 (Extensibility, "modifierExtension"): a system that reads a
/// resource SHALL NOT ignore a modifier extension it does not understand — it changes the meaning of the element that
/// carries it. The only one this server understands is the IG's own <c>infoCancelled</c> flag on a Claim's item or
/// supportingInfo (PAS 2.2.1 profile-claim-update, spec-69/spec-70): <c>true</c> takes the entry out of the request
/// (an item is then cancelled with certificationType 3 as well; a supportingInfo is not read), <c>false</c> changes
/// nothing. Any other modifier extension, anywhere in the Bundle, is refused naming the element (docs/decisions.md,
/// "PAS submissions read exactly", session 38).
/// </summary>
public static class PasModifierExtensions
{
    /// <summary>PAS 2.2.1 modifierextension-infoCancelled (valueBoolean).</summary>
    public const string InfoCancelled = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/modifierextension-infoCancelled";

    /// <summary>
    /// The first modifier extension in the Bundle this server does not understand, or an <c>infoCancelled</c> without a
    /// boolean, as the message and the element it is at; null when there is none.
    /// </summary>
    public static (string Message, string Expression)? Unknown(Bundle bundle)
    {
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (bundle.Entry[i].Resource is not { } resource || Walk(resource) is not { } found) continue;
            found.Path.Add(i == 0 && resource is Claim ? "Claim" : $"Bundle.entry[{i}].resource");
            found.Path.Reverse();
            var at = string.Concat(found.Path);
            return found.Url is { } url
                ? ($"{at}: the modifier extension '{InputEcho.Truncate(url)}' is not one this server understands; FHIR forbids ignoring a modifier extension, so the request cannot be read (the only one taken is PAS infoCancelled, on Claim.item and Claim.supportingInfo).", at)
                : ($"{at}: infoCancelled takes a valueBoolean (true: the entry is no longer part of the request).", at);
        }
        return null;
    }

    /// <summary>True when the item or supportingInfo carries <c>infoCancelled</c> true: it is no longer part of the request.</summary>
    public static bool IsInfoCancelled(IModifierExtendable element) =>
        element.ModifierExtension.Any(e => e.Url == InfoCancelled && e.Value is FhirBoolean { Value: true });

    /// <summary>
    /// What the walk found: the extension's URL (null: an infoCancelled without a boolean) and the path to it, its
    /// segments added from the extension up as the walk unwinds — so the common walk, which finds nothing, makes no
    /// path strings (it runs on every $submit).
    /// </summary>
    private sealed class Found(string? url, string segment)
    {
        public string? Url { get; } = url;
        public List<string> Path { get; } = [segment];
    }

    private static Found? Walk(Base node)
    {
        if (node is IModifierExtendable { ModifierExtension.Count: > 0 } modified)
        {
            for (var m = 0; m < modified.ModifierExtension.Count; m++)
            {
                var extension = modified.ModifierExtension[m];
                var known = extension.Url == InfoCancelled && node is Claim.ItemComponent or Claim.SupportingInformationComponent;
                if (!known) return new Found(extension.Url ?? "", $".modifierExtension[{m}]");
                if (extension.Value is not FhirBoolean { Value: not null }) return new Found(null, $".modifierExtension[{m}]");
            }
        }
        foreach (var (name, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case PrimitiveType:
                    break;
                case Base child:
                    if (Walk(child) is { } found) { found.Path.Add("." + name); return found; }
                    break;
                case IEnumerable list and not string:
                    var index = 0;
                    foreach (var item in list)
                    {
                        if (item is Base element and not PrimitiveType && Walk(element) is { } inList) { inList.Path.Add($".{name}[{index}]"); return inList; }
                        index++;
                    }
                    break;
            }
        }
        return null;
    }
}
