namespace Coverage.Import;

/// <summary>A value read from the document, with the line it was read from (provenance).</summary>
public sealed record Sourced<T>(T Value, SourceLine Line);
