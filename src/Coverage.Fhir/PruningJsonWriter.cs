using System.Text.Json;

namespace Coverage.Fhir;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> front that holds back the start of an object or array, and the nulls that mark absent
/// items, until something is written inside it: an object or array that ends empty is then dropped (with its property
/// name), kept, or replaced by a null, as its start asked. It is Firely's own internal <c>PruningJsonWriter</c>
/// (Hl7.Fhir.Base 6.8), rule for rule, so that <see cref="PocoJsonWriter"/> drops exactly what Firely's serializer drops.
/// </summary>
internal sealed class PruningJsonWriter
{
    /// <summary>What an object or array that ends with nothing written inside it becomes.</summary>
    public enum OnEmpty
    {
        /// <summary>Nothing: it and its property name are dropped.</summary>
        Omit,

        /// <summary>A null (an item of the <c>_name</c> array of a primitive list that has no id or extension).</summary>
        NullPlaceholder,

        /// <summary>Written as it is (<c>{}</c>): the outermost object.</summary>
        Keep,
    }

    private enum PendingKind
    {
        Object,
        Array,
        Null,
    }

    private readonly record struct Pending(PendingKind Kind, JsonEncodedText? PropertyName, OnEmpty OnEmpty);

    private readonly List<Pending> _pending = [];
    private Utf8JsonWriter _writer = null!;

    /// <summary>Starts writing into <paramref name="writer"/>, with nothing held back.</summary>
    public void Reset(Utf8JsonWriter writer)
    {
        _writer = writer;
        _pending.Clear();
        SawOverflow = false;
    }

    /// <summary>Whether the POCO being written holds an element in an overflow (its writer's to note; not Firely's).</summary>
    public bool SawOverflow { get; set; }

    /// <summary>The writer, with every start held back written: what follows is content.</summary>
    public Utf8JsonWriter PrepareContent()
    {
        Commit();
        return _writer;
    }

    public void WriteStartObject(JsonEncodedText? propertyName, OnEmpty onEmpty) => _pending.Add(new(PendingKind.Object, propertyName, onEmpty));

    public void WriteStartArray(JsonEncodedText propertyName) => _pending.Add(new(PendingKind.Array, propertyName, OnEmpty.Omit));

    public void WriteEndObject()
    {
        if (ResolvedEmpty(PendingKind.Object)) return;
        Commit();
        _writer.WriteEndObject();
    }

    public void WriteEndArray()
    {
        if (ResolvedEmpty(PendingKind.Array)) return;
        Commit();
        _writer.WriteEndArray();
    }

    /// <summary>A null item, written only if something follows it in its array.</summary>
    public void WriteNullPlaceholder() => _pending.Add(new(PendingKind.Null, null, OnEmpty.Omit));

    /// <summary>
    /// Whether the object or array now ending was empty (its start still held back, behind null placeholders only) and
    /// was dropped or turned into a null placeholder.
    /// </summary>
    private bool ResolvedEmpty(PendingKind kind)
    {
        var at = _pending.Count - 1;
        while (at >= 0 && _pending[at].Kind == PendingKind.Null) at--;
        if (at < 0) return false;
        var start = _pending[at];
        if (start.Kind != kind || start.OnEmpty == OnEmpty.Keep) return false;
        _pending.RemoveRange(at, _pending.Count - at);
        if (start.OnEmpty == OnEmpty.NullPlaceholder) _pending.Add(new(PendingKind.Null, null, OnEmpty.Omit));
        return true;
    }

    private void Commit()
    {
        if (_pending.Count == 0) return;
        foreach (var (kind, name, _) in _pending)
        {
            switch (kind)
            {
                case PendingKind.Object when name is { } objectName:
                    _writer.WriteStartObject(objectName);
                    break;
                case PendingKind.Object:
                    _writer.WriteStartObject();
                    break;
                case PendingKind.Array when name is { } arrayName:
                    _writer.WriteStartArray(arrayName);
                    break;
                case PendingKind.Array:
                    _writer.WriteStartArray();
                    break;
                case PendingKind.Null:
                    _writer.WriteNullValue();
                    break;
            }
        }
        _pending.Clear();
    }
}
