namespace Coverage.Cases;

/// <summary>A configured person who reviews cases: id, name and role (nurse or physician) come from configuration only.</summary>
public sealed record Reviewer(string Id, string Name, string Role);
