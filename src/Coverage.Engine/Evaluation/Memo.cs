using System.Collections.Concurrent;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// Remembers values the evaluator derives from the catalogue and a small key (a label assessment, a
/// rationale), so that lines with the same key share one immutable value instead of building it again.
/// Bounded: past <c>capacity</c> entries a value is built and not kept, so memory stays flat whatever the
/// traffic. Thread-safe; a value may be built twice by racing threads, which is harmless (same value).
/// </summary>
internal sealed class Memo<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
    private int _count;

    /// <summary>The value for the key; <paramref name="create"/> (a static lambda: no closure) builds it from the key and a state the first time.</summary>
    public TValue Get<TState>(TKey key, TState state, Func<TKey, TState, TValue> create)
    {
        if (_entries.TryGetValue(key, out var value)) return value;
        value = create(key, state);
        if (Volatile.Read(ref _count) < capacity && _entries.TryAdd(key, value)) Interlocked.Increment(ref _count);
        return value;
    }
}
