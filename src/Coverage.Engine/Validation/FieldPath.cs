using System.Globalization;

namespace Coverage.Engine.Validation;

/// <summary>
/// A request field's path as errors name it (member.id, serviceLines[1].code, serviceLines[0].modifiers[2]). It is
/// kept in parts and made a string only when an error names it, so that a valid request costs no path strings.
/// </summary>
internal readonly struct FieldPath
{
    private readonly string _name;
    private readonly int _index;
    private readonly string? _property;
    private readonly int _item;

    private FieldPath(string name, int index, string? property, int item) => (_name, _index, _property, _item) = (name, index, property, item);

    public static implicit operator FieldPath(string name) => new(name, -1, null, -1);

    /// <summary>An element of a list field: diagnoses[2], serviceLines[0].</summary>
    public static FieldPath At(string list, int index) => new(list, index, null, -1);

    /// <summary>A property of this element: serviceLines[0] → serviceLines[0].code.</summary>
    public FieldPath Dot(string property) => new(_name, _index, property, -1);

    /// <summary>An element of this list property: serviceLines[0].modifiers → serviceLines[0].modifiers[1].</summary>
    public FieldPath Item(int item) => new(_name, _index, _property, item);

    public override string ToString()
    {
        if (_index < 0) return _name;
        var path = string.Create(CultureInfo.InvariantCulture, $"{_name}[{_index}]");
        if (_property is null) return path;
        return _item < 0 ? $"{path}.{_property}" : string.Create(CultureInfo.InvariantCulture, $"{path}.{_property}[{_item}]");
    }
}
