using Coverage.Engine.Validation;

namespace Coverage.Cases;

/// <summary>Why a case command or query failed: its kind, plain words, and the fields at fault for malformed input.</summary>
public sealed record StoreError(StoreErrorKind Kind, string Message, IReadOnlyList<InputError>? Fields = null);
