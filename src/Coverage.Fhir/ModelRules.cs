using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Coverage.Fhir;

/// <summary>
/// Whether a resource read by Firely without its model validation (<c>Validator = null</c>, a syntax-only read) meets
/// every rule that validation applies while reading: it runs Firely's own rules over the finished resource — each
/// element's validation attributes (cardinality, the types a choice allows), as <see cref="FhirAttributeValidator"/>'s
/// property check does, and each object's check by <see cref="FhirAttributeValidator"/> itself (mandatory elements,
/// primitive literals, empty elements, nested contained resources, unknown resource types) — and refuses any element
/// the read could not map (Firely keeps those in an object's overflow, which only its validator would have reported).
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

    /// <summary>Per POCO type, what is checked of its objects; null for a type Firely has no mapping for.</summary>
    private static readonly ConcurrentDictionary<Type, NodeRules?> Rules = new();

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
        // A value the read could not put in its typed property is kept in the overflow (and would be what TryGetValue
        // returns): with none, every value below is of its property's type, the one check of Firely's property
        // validation besides the attributes (FhirAttributeValidator.ValidateProperty).
        if (node.HasOverflow || RulesOf(node.GetType()) is not { } rules) return false;
        var any = false;
        foreach (var element in rules.Elements)
        {
            if (!element.Value.TryGet(node, out var value)) continue;
            any |= PresenceRules.Holds(value);
            foreach (var attribute in element.Attributes)
                if (attribute.Validate(value, context).Count != 0) return false;
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
        if (rules.Presence is { } presence) return presence.AreMet(node, any);
        var literal = rules.LiteralDecidesObject && node is PrimitiveType { JsonValue: string text } ? text : null;
        if (literal is not null && PrimitiveLiterals.IsKnownValid(rules.Class, literal)) return true;
        if (FhirAttributeValidator.Default.ValidateObject(node, rules.Class, context).Count != 0) return false;
        if (literal is not null) PrimitiveLiterals.RememberValid(rules.Class, literal);
        return true;
    }

    private static NodeRules? RulesOf(Type type) => Rules.GetOrAdd(type, static type =>
        Inspector.FindOrImportClassMapping(type) is { } mapping ? NodeRules.Of(mapping) : null);

    /// <summary>What is checked of one type's objects.</summary>
    /// <param name="Class">Its mapping (what Firely's object check reads).</param>
    /// <param name="Elements">The properties that hold FHIR elements (not a primitive's own value), with their attributes.</param>
    /// <param name="LiteralDecidesObject">
    /// True for a primitive type whose object check depends on nothing but its literal: no class-level attributes, no
    /// mandatory element, and not narrative XHTML (whose check depends on the settings). Its objects' answers can then
    /// be remembered by literal (<see cref="PrimitiveLiterals"/>).
    /// </param>
    /// <param name="Presence">
    /// For a type whose object check is no more than presence (<see cref="PresenceRules"/>), that check; null when
    /// Firely's object check runs.
    /// </param>
    private sealed record NodeRules(ClassMapping Class, ElementRules[] Elements, bool LiteralDecidesObject, PresenceRules? Presence)
    {
        public static NodeRules Of(ClassMapping mapping) => new(
            mapping,
            [.. mapping.PropertyMappings.Where(p => !p.IsPrimitive).Select(p => new ElementRules(ElementFields.Of(p), p.ValidationAttributes))],
            typeof(PrimitiveType).IsAssignableFrom(mapping.NativeType)
                && mapping.NativeType != typeof(XHtml)
                && mapping.ValidationAttributes.Length == 0
                && !mapping.PropertyMappings.Any(p => p.ValidationAttributes.OfType<CardinalityAttribute>().Any(c => c.Min > 0)),
            PresenceRules.Of(mapping));
    }

    /// <summary>
    /// Firely's object check (<see cref="FhirAttributeValidator.ValidateObject"/>) of a type that is not a primitive, has
    /// no class-level attributes, is not a dynamic resource, and whose invariants are <see cref="Base"/>'s own ("an
    /// element is not empty") asks two things: each mandatory element is present, and the object holds some element.
    /// Asked here directly: Firely's answer enumerates the object's elements through an iterator per level of its class
    /// and a new empty dictionary for the overflow it does not have — for every such object of a Bundle, a tenth of
    /// what reading a PAS request allocated (docs/benchmarks.md, session 27). Every other type gets Firely's check.
    /// </summary>
    /// <param name="Mandatory">The elements the type requires (Firely's mandatory elements).</param>
    /// <param name="AttributeElements">The elements the walk does not look at (an element's id, an extension's url): a presence of their own.</param>
    private sealed record PresenceRules(ElementFields[] Mandatory, ElementFields[] AttributeElements)
    {
        public bool AreMet(Base node, bool anyElement)
        {
            foreach (var element in Mandatory)
                if (!element.TryGet(node, out var value) || !Holds(value)) return false;
            if (anyElement) return true;
            foreach (var element in AttributeElements)
                if (element.TryGet(node, out var value) && Holds(value)) return true;
            return false;
        }

        /// <summary>Whether an element's value counts as present: not null, and not a list without items (as Firely counts it).</summary>
        public static bool Holds(object? value) => value is not null and not ICollection { Count: 0 };

        public static PresenceRules? Of(ClassMapping mapping)
        {
            var type = mapping.NativeType;
            var invariants = type.GetMethod("ValidateInvariants", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(PocoValidationContext)]);
            if (typeof(PrimitiveType).IsAssignableFrom(type) || typeof(DynamicResource).IsAssignableFrom(type)
                || mapping.ValidationAttributes.Length != 0 || invariants?.DeclaringType != typeof(Base))
                return null;
            return new PresenceRules(
                [.. mapping.PropertyMappings.Where(p => p.ValidationAttributes.OfType<CardinalityAttribute>().Any(c => c.Min > 0)).Select(ElementFields.Of)],
                [.. mapping.PropertyMappings.Where(p => p.IsPrimitive).Select(ElementFields.Of)]);
        }
    }

    /// <param name="Value">How the element's value is read (from its field, else by name).</param>
    /// <param name="Attributes">Firely's validation attributes on the property (those its property check runs).</param>
    private sealed record ElementRules(ElementFields Value, ValidatingFhirModelAttribute[] Attributes);
}
