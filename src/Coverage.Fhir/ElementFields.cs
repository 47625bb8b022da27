using System.Collections;
using Expr = System.Linq.Expressions.Expression;
using System.Reflection;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>
/// An element of a Firely POCO read straight from the field behind its property: what the POCO's generated
/// <see cref="Base.TryGetValue"/> returns for an object without overflow, without its switch over the element's name.
/// </summary>
/// <remarks>
/// Why: <see cref="ModelRules"/> asks every element of every object of a resource, present or not — a PAS Bundle's few
/// hundred objects times their dozens of elements — and a string switch per question was a sixth of the check (9.4 →
/// 7.8 µs on the sample Bundle, docs/benchmarks.md, session 28). The property's own getter would not do: Firely's list
/// getters make an empty list on first read. The field is found by Firely's generated naming (<c>_</c> and the
/// property's name) and used only when it is an instance field of the property's own type; otherwise the element is
/// asked by name, as before. <c>ElementFieldsTests</c> holds both answers equal on every object of the kits' and IGs'
/// payloads.
/// </remarks>
internal sealed class ElementFields
{
    private readonly string _name;
    private readonly Func<Base, object?>? _field;

    private ElementFields(string name, Func<Base, object?>? field)
    {
        _name = name;
        _field = field;
    }

    /// <summary>True when the element is read from its field (false: asked by name).</summary>
    public bool ReadsField => _field is not null;

    /// <summary>The reading of <paramref name="mapping"/>'s element.</summary>
    public static ElementFields Of(PropertyMapping mapping) => new(mapping.Name, FieldReader(mapping.NativeProperty));

    /// <summary>
    /// The element's value, and whether it is present (not null, not an empty list) — as
    /// <see cref="Base.TryGetValue"/> answers for an object whose overflow is empty (the caller's to check first).
    /// </summary>
    public bool TryGet(Base node, out object? value)
    {
        if (_field is null) return node.TryGetValue(_name, out value);
        value = _field(node);
        return value is not null and not ICollection { Count: 0 };
    }

    private static Func<Base, object?>? FieldReader(PropertyInfo? property)
    {
        if (property?.DeclaringType is not { } owner || property.PropertyType.IsValueType) return null;
        var field = owner.GetField("_" + property.Name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        if (field is null || field.FieldType != property.PropertyType) return null;
        var node = Expr.Parameter(typeof(Base), "node");
        return Expr.Lambda<Func<Base, object?>>(
            Expr.Convert(Expr.Field(Expr.Convert(node, owner), field), typeof(object)), node).Compile();
    }
}
