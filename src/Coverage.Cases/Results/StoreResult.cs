using Coverage.Engine.Validation;

namespace Coverage.Cases;

/// <summary>A value or the reason there is none. <see cref="Created"/> tells a new case from an existing one.</summary>
#pragma warning disable CA1000 // Factory methods on the result type read best at the call site.
public sealed record StoreResult<T>(T? Value, StoreError? Error, bool Created = false)
{
    public static StoreResult<T> Ok(T value, bool created = false) => new(value, null, created);
    public static StoreResult<T> Fail(StoreErrorKind kind, string message, IReadOnlyList<InputError>? fields = null) =>
        new(default, new StoreError(kind, message, fields));
    public static StoreResult<T> Fail(StoreError error) => new(default, error);
}
#pragma warning restore CA1000
