using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Coverage.Engine.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Fhir;

/// <summary>
/// Writes a Firely POCO as FHIR JSON — the bytes Firely's <see cref="BaseFhirJsonSerializer"/> writes, rule for rule —
/// from a plan made once per type: its elements in Firely's order, each read from the field behind its property
/// (<see cref="ElementFields"/>) with its JSON name encoded once. Firely's serializer asks each object for its elements
/// through an iterator (and a new empty dictionary for the overflow it does not have), looks each one's mapping up by
/// name and its encoded name up in a shared dictionary: writing the sample PAS response took 18.2 µs and 18 kB of
/// garbage that way, 9.3 µs and 2.6 kB this way (<c>pas-pieces</c>, docs/benchmarks.md, session 29).
/// </summary>
/// <remarks>
/// What Firely decides is left to Firely: the JSON of a primitive's value is its own <c>SerializePrimitiveValue</c>
/// (base64, decimals, dates), empty objects and arrays are dropped by the same rules (<see cref="PruningJsonWriter"/>).
/// A resource holding anything in an overflow (an element the model does not know, only a lenient read keeps one), a
/// lone primitive and anything written into an indented writer are written by Firely itself; the resource is written into a buffer first, so that one found to hold
/// an overflow on the way is thrown away whole. <c>PocoJsonWriterTests</c> holds the two byte for byte equal on every
/// resource of the kits', IGs' and samples' payloads, on thousands of damaged copies of them as Firely's lenient read
/// leaves them, and on crafted edge cases (primitives with only extensions, lists of primitives with gaps, empty
/// objects, choice types).
/// </remarks>
internal static class PocoJsonWriter
{
    private static readonly Firely Serializer = new();
    private static readonly JsonEncodedText ResourceType = JsonEncodedText.Encode("resourceType");
    private static readonly ConcurrentDictionary<Type, TypePlan?> Plans = new();

    /// <summary>This thread's buffer and pruning writer (a resource is written here first, then copied out whole).</summary>
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, PruningJsonWriter Pruning)? t_scratch;

    /// <summary>Writes <paramref name="instance"/> as the next value of <paramref name="writer"/>, as Firely's serializer would.</summary>
    public static void Write(Base instance, Utf8JsonWriter writer)
    {
        // A raw value keeps its own layout: into an indented writer, Firely writes (indented, as the writer asks).
        if (!TryUse(instance, writer.Options, writer, static (json, writer) => writer.WriteRawValue(json, skipInputValidation: true)))
            WriteWithFirely(instance, writer);
    }

    /// <summary>Firely's serializer itself: for what <see cref="TryUse{TState}"/> declined, without walking it again.</summary>
    public static void WriteWithFirely(Base instance, Utf8JsonWriter writer) => Serializer.Serialize(instance, writer);

    /// <summary>
    /// Hands <paramref name="instance"/>'s JSON to <paramref name="use"/> from this thread's buffer (for a response body,
    /// copied into its pipe as it is) and says true; false, having written nothing, for what Firely is to write (a
    /// resource holding an overflow, a lone primitive, an indented layout). <paramref name="use"/> must neither keep the
    /// span nor write a resource itself (it would write into the same buffer).
    /// </summary>
    public static bool TryUse<TState>(Base instance, JsonWriterOptions options, TState state, JsonScratch.Utf8Use<TState> use)
    {
        if (instance is PrimitiveType || options.Indented || TryWrite(instance, options) is not { } json) return false;
        try
        {
            use(json.Span, state);
        }
        finally
        {
            // A buffer grown for a large resource (a search result, a long Bundle) is not kept by the thread.
            if (json.Length > KeptBufferBytes) t_scratch = null;
        }
        return true;
    }

    /// <summary>The largest buffer a thread keeps between writes (a PAS response is about 8 kB).</summary>
    private const int KeptBufferBytes = 256 * 1024;

    /// <summary>
    /// The resource's JSON, written into this thread's buffer (valid until the thread's next write); null when an object
    /// of it holds an overflow, which is Firely's to write — found on the way, so the resource is walked once.
    /// </summary>
    private static ReadOnlyMemory<byte>? TryWrite(Base instance, JsonWriterOptions options)
    {
        var (buffer, pruning) = t_scratch ??= (new ArrayBufferWriter<byte>(16 * 1024), new PruningJsonWriter());
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            pruning.Reset(writer);
            WriteObject(instance, null, pruning, PruningJsonWriter.OnEmpty.Keep);
        }
        if (pruning.SawOverflow) return null; // (not a conditional: null would become an empty memory through byte[])
        return buffer.WrittenMemory;
    }

    private static void WriteObject(Base? node, JsonEncodedText? name, PruningJsonWriter writer, PruningJsonWriter.OnEmpty onEmpty)
    {
        if (node is null)
        {
            writer.PrepareContent().WriteNullValue();
            return;
        }
        if (node.HasOverflow || PlanOf(node.GetType()) is not { } plan)
        {
            writer.SawOverflow = true; // what is written is thrown away: the caller has Firely write the resource
            return;
        }
        writer.WriteStartObject(name, onEmpty);
        if (node is Resource resource) writer.PrepareContent().WriteString(ResourceType, resource.TypeName);
        foreach (var element in plan.Elements)
        {
            if (!element.Field.TryGet(node, out var value)) continue;
            switch (element.Kind)
            {
                case ElementKind.Primitive:
                    WritePrimitive(element.Names, (PrimitiveType)value!, writer);
                    break;
                case ElementKind.Primitives:
                    WritePrimitives(element.Names, (IReadOnlyList<PrimitiveType>)value!, writer);
                    break;
                case ElementKind.Objects:
                    WriteObjects(element.Names, (IReadOnlyList<Base>)value!, writer);
                    break;
                case ElementKind.Object:
                    WriteObject((Base)value!, element.Names.Name, writer, PruningJsonWriter.OnEmpty.Omit);
                    break;
                default:
                    WriteChoice(element, value!, writer, plan);
                    break;
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>A choice of data types (value[x]): named for the type of the value it holds, written as that value is.</summary>
    private static void WriteChoice(ElementPlan element, object value, PruningJsonWriter writer, TypePlan plan)
    {
        var names = element.Suffixed(value);
        switch (value)
        {
            case PrimitiveType primitive:
                WritePrimitive(names, primitive, writer);
                break;
            case IReadOnlyList<PrimitiveType> primitives:
                WritePrimitives(names, primitives, writer);
                break;
            case IReadOnlyList<Base> items:
                WriteObjects(names, items, writer);
                break;
            case Base child:
                WriteObject(child, names.Name, writer, PruningJsonWriter.OnEmpty.Omit);
                break;
            default:
                throw new InvalidOperationException($"{plan.Name}.{element.Names.Name} holds a {value.GetType()}, not a FHIR element.");
        }
    }

    private static void WriteObjects(Names names, IReadOnlyList<Base> items, PruningJsonWriter writer)
    {
        writer.WriteStartArray(names.Name);
        foreach (var item in items) WriteObject(item, null, writer, PruningJsonWriter.OnEmpty.Omit);
        writer.WriteEndArray();
    }

    /// <summary>A primitive: its value under the element's name, its id and extensions under the name with an underscore.</summary>
    private static void WritePrimitive(Names names, PrimitiveType primitive, PruningJsonWriter writer)
    {
        if (primitive.JsonValue is not null)
        {
            writer.PrepareContent().WritePropertyName(names.Name);
            Serializer.WriteValue(primitive, writer.PrepareContent());
        }
        if (HasChildren(primitive)) WriteObject(primitive, names.Underscored, writer, PruningJsonWriter.OnEmpty.Omit);
    }

    /// <summary>A list of primitives: an array of values (null where one has none) and an array of their ids and extensions.</summary>
    private static void WritePrimitives(Names names, IReadOnlyList<PrimitiveType?> primitives, PruningJsonWriter writer)
    {
        writer.WriteStartArray(names.Name);
        foreach (var primitive in primitives)
        {
            if (primitive?.JsonValue is not null) Serializer.WriteValue(primitive, writer.PrepareContent());
            else writer.WriteNullPlaceholder();
        }
        writer.WriteEndArray();
        writer.WriteStartArray(names.Underscored);
        foreach (var primitive in primitives)
        {
            if (primitive is null || !HasChildren(primitive)) writer.WriteNullPlaceholder();
            else WriteObject(primitive, null, writer, PruningJsonWriter.OnEmpty.NullPlaceholder);
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// Whether a primitive has an element of its own (an id or an extension) or an overflow (a value the lenient read
    /// could not take, which <see cref="WriteObject"/> then finds and leaves to Firely).
    /// </summary>
    private static bool HasChildren(PrimitiveType primitive) =>
        primitive.HasOverflow || PrimitiveId.TryGet(primitive, out _) || PrimitiveExtensions.TryGet(primitive, out _);

    /// <summary>A primitive's own elements, declared by <see cref="Element"/> for every primitive type.</summary>
    private static readonly ElementFields PrimitiveId = ElementOf(typeof(FhirString), "id");

    private static readonly ElementFields PrimitiveExtensions = ElementOf(typeof(FhirString), "extension");

    private static ElementFields ElementOf(Type type, string name) =>
        ElementFields.Of(ModelInfo.ModelInspector.FindOrImportClassMapping(type)!.FindMappedElementByName(name)!);

    private static TypePlan? PlanOf(Type type) => Plans.GetOrAdd(type, static t =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(t) is { } mapping ? new TypePlan(mapping) : null);

    /// <summary>An element's JSON names: as it is, and with the underscore that carries a primitive's id and extensions.</summary>
    private sealed record Names(JsonEncodedText Name, JsonEncodedText Underscored)
    {
        public static Names Of(string name) => new(JsonEncodedText.Encode(name), JsonEncodedText.Encode("_" + name));
    }

    /// <summary>
    /// A type's elements in the order Firely's EnumerateElements gives them — the order of their definition, the base
    /// types' first (the mapping's own collection is keyed by name, in no order); not a primitive's value, which its owner
    /// writes.
    /// </summary>
    private sealed class TypePlan(ClassMapping mapping)
    {
        public string Name { get; } = mapping.Name;

        public IReadOnlyList<ElementPlan> Elements { get; } =
            [.. mapping.PropertyMappings.Where(p => !p.IsPrimitive).OrderBy(p => p.Order ?? int.MaxValue).Select(p => new ElementPlan(p))];
    }

    /// <summary>How an element is written, known from its type once: only a choice of data types is looked at per value.</summary>
    private enum ElementKind
    {
        Primitive,
        Primitives,
        Object,
        Objects,
        Choice,
    }

    private sealed class ElementPlan(PropertyMapping mapping)
    {
        public ElementKind Kind { get; } = KindOf(mapping);

        private readonly ConcurrentDictionary<string, Names> _suffixed = new(StringComparer.Ordinal);

        public ElementFields Field { get; } = ElementFields.Of(mapping);

        public Names Names { get; } = Names.Of(mapping.Name);

        private static ElementKind KindOf(PropertyMapping mapping)
        {
            // A choice of data types (value[x]) is named for the type of its value; a choice of resources is not.
            if (mapping.Choice == ChoiceType.DatatypeChoice) return ElementKind.Choice;
            var primitive = typeof(PrimitiveType).IsAssignableFrom(mapping.ImplementingType);
            return (mapping.IsCollection, primitive) switch
            {
                (true, true) => ElementKind.Primitives,
                (true, false) => ElementKind.Objects,
                (false, true) => ElementKind.Primitive,
                (false, false) => ElementKind.Object,
            };
        }

        /// <summary>The names of a choice element holding <paramref name="value"/>: <c>value</c> + <c>String</c> → <c>valueString</c>.</summary>
        public Names Suffixed(object value)
        {
            var type = value is IEnumerable<Base> items ? items.FirstOrDefault()?.TypeName : (value as Base)?.TypeName;
            if (type is null) return Names;
            return _suffixed.GetOrAdd(type, static (t, name) => Names.Of(name + char.ToUpperInvariant(t[0]) + t[1..]), mapping.Name);
        }
    }

    /// <summary>Firely's serializer, with its writing of a primitive's value opened to this class.</summary>
    private sealed class Firely() : BaseFhirJsonSerializer(ModelInfo.ModelInspector)
    {
        public void WriteValue(PrimitiveType primitive, Utf8JsonWriter writer) => SerializePrimitiveValue(primitive, writer);
    }
}
