using System.Collections;
using System.Collections.Concurrent;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Coverage.Fhir;

/// <summary>
/// Whether a resource read by Firely without its model validation (<c>Validator = null</c>, a syntax-only read) meets
/// every rule that validation applies while reading: it runs Firely's own validator
/// (<see cref="FhirAttributeValidator"/>) over the finished resource — each element's property rules (cardinality,
/// the types a choice allows) and each object's rules (mandatory elements, primitive literals, empty elements,
/// nested contained resources, unknown resource types) — and refuses any element the read could not map (Firely keeps
/// those in an object's overflow, which only its validator would have reported).
/// </summary>
/// <remarks>
/// Why: on a PAS Bundle, validating while reading cost more than half of Firely's read and two thirds of its garbage
/// (docs/benchmarks.md, session 15) — mostly the read's own bookkeeping for the validator (a context per property,
/// delayed checks per primitive), not the checks. Run afterwards, the same checks cost a fraction of that. The answer
/// is only ever "all rules met" or "not sure": <see cref="FhirJson"/> reads anything not met again with validation on,
/// so every error a caller sees is still Firely's own, with its path and position. Rules that depend on how the JSON
/// was written rather than on what was read — wrong-cased names (ignored by Firely's default settings, as here),
/// duplicate properties, syntax — are the syntax-only read's own, and equally errors there.
/// </remarks>
public static class ModelRules
{
    private static readonly ModelInspector Inspector = ModelInfo.ModelInspector;

    /// <summary>Per POCO type, its mapping and the properties that hold FHIR elements (not a primitive's own value).</summary>
    private static readonly ConcurrentDictionary<Type, (ClassMapping Class, PropertyMapping[] Elements)?> Mappings = new();

    /// <summary>True when every model rule holds for <paramref name="resource"/> and everything in it.</summary>
    /// <param name="narrativeValidation">How narrative XHTML is checked, as in the settings of the read it stands for.</param>
    public static bool AreMet(Resource resource, NarrativeValidationKind narrativeValidation)
    {
        // One context for the whole walk: it names a location only in an error, and any error ends the walk.
        var context = new PocoValidationContext(resource, Inspector, static () => "", null, null, narrativeValidation);
        return AreMet(resource, context);
    }

    private static bool AreMet(Base node, PocoValidationContext context)
    {
        if (node.HasOverflow || MappingOf(node.GetType()) is not var (classMapping, elements)) return false;
        foreach (var element in elements)
        {
            if (!node.TryGetValue(element.Name, out var value)) continue;
            if (FhirAttributeValidator.Default.ValidateProperty(element.Name, value, element, context).Count != 0) return false;
            switch (value)
            {
                case Base child when !AreMet(child, context):
                    return false;
                case Base:
                    break;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                        if (list[i] is not Base item || !AreMet(item, context)) return false;
                    break;
                default:
                    return false;
            }
        }
        return FhirAttributeValidator.Default.ValidateObject(node, classMapping, context).Count == 0;
    }

    private static (ClassMapping, PropertyMapping[])? MappingOf(Type type) => Mappings.GetOrAdd(type, static type =>
        Inspector.FindOrImportClassMapping(type) is { } mapping
            ? (mapping, mapping.PropertyMappings.Where(property => !property.IsPrimitive).ToArray())
            : null);
}
