namespace Coverage.Cases;

/// <summary>One addition of information to a case: when, who sent it, and what (the JSON document as sent).</summary>
public sealed record InformationView(DateTime At, string Actor, string? ActorRole, string? ActorClient, string InformationJson);
