using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Expr = System.Linq.Expressions.Expression;

namespace Coverage.Fhir;

/// <summary>
/// Reads FHIR JSON into Firely POCOs — the objects Firely's <see cref="BaseFhirJsonDeserializer"/> makes without its
/// validator, value for value — from a plan made once per type: each element's JSON name, the type it is read into and
/// a setter compiled for its property. Firely's reader asks, for every property of every object, a new string for the
/// name, a lookup that tries the name's case and choice suffixes, a new state object with a set of the names seen, the
/// line and position, and sets the value through a switch over the element names: reading the sample PAS Bundle took
/// about 31 µs that way and 10 µs this way, in one run (<c>pas-pieces</c>, docs/benchmarks.md, session 30).
/// </summary>
/// <remarks>
/// This reader takes only what it can read exactly as Firely does and gives the rest back (null): a name it does not
/// know in its exact case (an unknown or wrong-cased element, a primitive's <c>_</c> element, a choice without a known
/// type suffix, a <c>resourceType</c> that is not first or not a known resource in its exact case), an element given
/// twice, an empty object or array, a null, an array inside an array, a primitive where an object belongs or an object
/// where a primitive belongs, an array where one value belongs or one value where an array belongs, a number no .NET
/// number holds, an escaped name. For each of those Firely's reader reports an error, keeps something in an overflow or
/// binds case-insensitively; <see cref="FhirJson"/> then reads the resource with Firely as before. A primitive's value
/// is what Firely's reader makes of the token (a string, the number as its type hints, a boolean), so that the model
/// rules checked afterwards (<see cref="ModelRules"/>) decide on the same objects. <c>PocoJsonReaderTests</c> hold the
/// two equal (<see cref="Base.IsExactly"/>) on every resource of the kits', IGs' and samples' payloads, on thousands of
/// damaged copies of them, and given back on every damage Firely reports.
/// </remarks>
internal static class PocoJsonReader
{
    private static readonly ModelInspector Inspector = ModelInfo.ModelInspector;
    private static readonly ConcurrentDictionary<Type, TypePlan> Plans = new();

    /// <summary>Every concrete resource type by its exact name (Firely's own lookup would also take another case).</summary>
    private static readonly FrozenDictionary<string, ClassMapping>.AlternateLookup<ReadOnlySpan<char>> ResourceTypes =
        Inspector.ClassMappings
            .Where(m => m.IsResource && !m.NativeType.IsAbstract && typeof(Resource).IsAssignableFrom(m.NativeType) && m.NativeType != typeof(DynamicResource)
                        && ReferenceEquals(Inspector.FindClassMapping(m.Name), m))
            .DistinctBy(m => m.Name)
            .ToFrozenDictionary(m => m.Name, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The longest element name looked up (longer ones are no element of the model).</summary>
    private const int LongestName = 96;

    /// <summary>The resource in <paramref name="utf8Json"/>, or null when it is not one this reader reads as Firely would.</summary>
    public static Resource? TryRead(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? ReadResource(ref reader, typeof(Resource)) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string that is not UTF-8: Firely's reader says which.
            return null;
        }
    }

    /// <summary>A resource from the object the reader is on (its <c>resourceType</c> first), left on its end.</summary>
    private static Resource? ReadResource(ref Utf8JsonReader reader, Type declared)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueSpan.SequenceEqual("resourceType"u8)) return null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !TryName(reader.ValueSpan, stackalloc char[LongestName], out var typeName)) return null;
        if (!ResourceTypes.TryGetValue(typeName, out var mapping) || !declared.IsAssignableFrom(mapping.NativeType)) return null;
        var resource = (Resource)mapping.CreateInstance();
        return ReadElements(ref reader, resource, PlanOf(mapping)) ? resource : null;
    }

    /// <summary>
    /// The elements of the object the reader is in (the next token is a name or its end) into <paramref name="target"/>;
    /// false when one of them is not read exactly as Firely would, or there is none (an empty object).
    /// </summary>
    private static bool ReadElements(ref Utf8JsonReader reader, Base target, TypePlan plan)
    {
        Span<ulong> seen = stackalloc ulong[TypePlan.MaxElements / 64];
        seen.Clear();
        Span<char> nameBuffer = stackalloc char[LongestName];
        var any = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) return any;
            if (reader.ValueIsEscaped || !TryName(reader.ValueSpan, nameBuffer, out var name) || !plan.Elements.TryGetValue(name, out var element)) return false;
            ref var word = ref seen[element.Index >> 6];
            var bit = 1UL << (element.Index & 63);
            if ((word & bit) != 0) return false; // given twice (a choice under two types counts as twice)
            word |= bit;
            any = true;
            if (!reader.Read() || ReadValue(ref reader, element) is not { } value) return false;
            element.Set(target, value);
        }
        return false;
    }

    private static object? ReadValue(ref Utf8JsonReader reader, ElementPlan element) => element.Kind switch
    {
        ElementKind.Primitive => ReadPrimitive(ref reader, element),
        ElementKind.Object => reader.TokenType == JsonTokenType.StartObject ? ReadObject(ref reader, element) : null,
        ElementKind.Resource => reader.TokenType == JsonTokenType.StartObject ? ReadResource(ref reader, element.ValueType) : null,
        ElementKind.List => ReadList(ref reader, element),
        _ => null,
    };

    private static Base? ReadObject(ref Utf8JsonReader reader, ElementPlan element)
    {
        var instance = element.ValueMapping.CreateInstance();
        return ReadElements(ref reader, instance, element.ValuePlan) ? instance : null;
    }

    /// <summary>An array of an element's items, none of them null, nested or missing.</summary>
    private static IList? ReadList(ref Utf8JsonReader reader, ElementPlan element)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return null;
        var list = element.CreateList();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var item = element.ItemKind switch
            {
                ElementKind.Primitive => ReadPrimitive(ref reader, element),
                ElementKind.Object => reader.TokenType == JsonTokenType.StartObject ? ReadObject(ref reader, element) : null,
                ElementKind.Resource => reader.TokenType == JsonTokenType.StartObject ? ReadResource(ref reader, element.ValueType) : null,
                _ => null,
            };
            if (item is null) return null;
            list.Add(item);
        }
        return list.Count > 0 ? list : null;
    }

    /// <summary>A primitive whose value is what Firely's reader makes of the token.</summary>
    private static PrimitiveType? ReadPrimitive(ref Utf8JsonReader reader, ElementPlan element)
    {
        object? value = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Number(ref reader, element.PrimitiveHint),
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        if (value is null) return null;
        var primitive = (PrimitiveType)element.ValueMapping.CreateInstance();
        primitive.JsonValue = value;
        return primitive;
    }

    /// <summary>A number as Firely's reader takes it: as its primitive's type hints, else an int, else a decimal.</summary>
    private static object? Number(ref Utf8JsonReader reader, Type? hint)
    {
        if (hint == typeof(decimal) && reader.TryGetDecimal(out var asHinted)) return asHinted;
        if (reader.TryGetInt32(out var integer)) return integer;
        if (reader.TryGetDecimal(out var number)) return number;
        return null; // Firely keeps the literal as text: left to Firely's reader
    }

    /// <summary>An unescaped name or string as characters, when it is ASCII no longer than the buffer.</summary>
    private static bool TryName(ReadOnlySpan<byte> bytes, Span<char> buffer, out ReadOnlySpan<char> name)
    {
        name = default;
        if (bytes.Length > buffer.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0x80) return false;
            buffer[i] = (char)bytes[i];
        }
        name = buffer[..bytes.Length];
        return true;
    }

    private static TypePlan PlanOf(ClassMapping mapping) => Plans.GetOrAdd(mapping.NativeType, static (_, m) => new TypePlan(m), mapping);

    private enum ElementKind
    {
        /// <summary>An element this reader leaves to Firely (a type it cannot make, a list of choices).</summary>
        Unread,
        Primitive,
        Object,
        Resource,
        List,
    }

    /// <summary>A type's elements by their JSON names — a choice of data types under each of its suffixed names.</summary>
    private sealed class TypePlan
    {
        /// <summary>More elements than any FHIR type has (the seen-set is this many bits on the stack).</summary>
        public const int MaxElements = 256;

        public FrozenDictionary<string, ElementPlan>.AlternateLookup<ReadOnlySpan<char>> Elements { get; }

        public TypePlan(ClassMapping mapping)
        {
            var elements = new Dictionary<string, ElementPlan>(StringComparer.Ordinal);
            // A primitive's value is not an element of its JSON object (Firely keeps a "value" name in the overflow).
            var properties = mapping.PropertyMappings.Where(p => !p.IsPrimitive).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            if (properties.Count > MaxElements) throw new InvalidOperationException($"{mapping.Name} has {properties.Count} elements.");
            for (var index = 0; index < properties.Count; index++)
            {
                var property = properties[index];
                if (property.Choice != ChoiceType.DatatypeChoice)
                {
                    elements[property.Name] = ElementPlan.Of(property, index, ValueMappingOf(property));
                    continue;
                }
                if (property.IsCollection) continue;
                foreach (var (name, type) in ChoiceNames(mapping, property))
                    elements.TryAdd(name, ElementPlan.Of(property, index, type));
            }
            Elements = elements.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>
        /// The type Firely reads an element into: its property's, or the one FHIR type an abstract property takes (an R4
        /// <c>string</c> declared as the <c>PrimitiveType</c> that R5's <c>code</c> shares); none for a resource's (found
        /// from the JSON) or another abstract one.
        /// </summary>
        private static ClassMapping? ValueMappingOf(PropertyMapping property)
        {
            if (property.PropertyTypeMapping is { IsCustomMapping: true }) return null;
            var type = !property.ImplementingType.IsAbstract ? property.ImplementingType
                : property.FhirTypeMappings is [var only] ? only.NativeType
                : null;
            return type is null || type.IsAbstract ? null : Inspector.FindOrImportClassMapping(type);
        }

        /// <summary>
        /// A choice's names, one per data type (<c>value</c> + <c>String</c>), with the type Firely finds for the suffix —
        /// only those Firely binds to this element in this exact case.
        /// </summary>
        private static IEnumerable<(string Name, ClassMapping Type)> ChoiceNames(ClassMapping owner, PropertyMapping choice)
        {
            foreach (var type in Inspector.ClassMappings)
            {
                if (type.IsResource || type.NativeType.IsAbstract || !typeof(DataType).IsAssignableFrom(type.NativeType) || type.Name.Length == 0 || !type.Name.All(char.IsAsciiLetterOrDigit)) continue;
                var suffix = char.ToUpperInvariant(type.Name[0]) + type.Name[1..];
                var name = choice.Name + suffix;
                if (!ReferenceEquals(Inspector.FindClassMapping(suffix), type)) continue;
                if (owner.FindMappedElementByName(name) is not null || !ReferenceEquals(owner.FindMappedElementByChoiceName(name), choice)) continue;
                yield return (name, type);
            }
        }
    }

    /// <summary>How one JSON name is read: into what, and set how.</summary>
    private sealed class ElementPlan
    {
        /// <summary>The element's place in its type (a choice's names share one: given twice is given twice).</summary>
        public required int Index { get; init; }

        public required ElementKind Kind { get; init; }

        /// <summary>For a list, what each item is.</summary>
        public ElementKind ItemKind { get; init; }

        /// <summary>The type of the value (or of each item): a resource's declared type, or the mapping's.</summary>
        public required Type ValueType { get; init; }

        public ClassMapping ValueMapping { get; init; } = null!;

        /// <summary>What Firely's reader is told a primitive's value is (a number is read as it).</summary>
        public Type? PrimitiveHint { get; init; }

        public required Action<Base, object> Set { get; init; }

        public required Func<IList> CreateList { get; init; }

        /// <summary>The plan of the value's type, made when first needed (types refer to each other).</summary>
        public TypePlan ValuePlan => field ??= PlanOf(ValueMapping);

        public static ElementPlan Of(PropertyMapping property, int index, ClassMapping? valueMapping)
        {
            var setter = Setter(property.NativeProperty);
            var resource = typeof(Resource).IsAssignableFrom(property.ImplementingType);
            var one = setter is null ? ElementKind.Unread
                : resource ? ElementKind.Resource
                : valueMapping is null ? ElementKind.Unread
                : valueMapping.IsFhirPrimitive ? ElementKind.Primitive
                : ElementKind.Object;
            var listMapping = property.IsCollection ? Inspector.FindClassMapping(property.ImplementingType) : null;
            return new ElementPlan
            {
                Index = index,
                Kind = property.IsCollection ? (listMapping is null || one == ElementKind.Unread ? ElementKind.Unread : ElementKind.List) : one,
                ItemKind = one,
                ValueType = resource ? property.ImplementingType : valueMapping?.NativeType ?? typeof(Base),
                ValueMapping = valueMapping!,
                PrimitiveHint = valueMapping?.PrimitiveValueProperty?.ImplementingType,
                Set = setter ?? ((_, _) => { }),
                CreateList = listMapping is null ? () => throw new InvalidOperationException("not a list") : listMapping.CreateList,
            };
        }

        /// <summary>The property's own setter, compiled (what the POCO's <c>SetValue</c> calls for a value of its type).</summary>
        private static Action<Base, object>? Setter(PropertyInfo? property)
        {
            if (property?.DeclaringType is not { } owner || property.SetMethod is not { IsPublic: true, IsStatic: false }) return null;
            var node = Expr.Parameter(typeof(Base), "node");
            var value = Expr.Parameter(typeof(object), "value");
            return Expr.Lambda<Action<Base, object>>(
                Expr.Assign(Expr.Property(Expr.Convert(node, owner), property), Expr.Convert(value, property.PropertyType)), node, value).Compile();
        }
    }
}
