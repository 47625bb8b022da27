namespace Coverage.Cases;

/// <summary>A peer-to-peer discussion a physician (the caller) had with the requesting provider: with whom, when, and what was said.</summary>
public sealed record PeerToPeerSubmission(string With, DateTime HeldAt, string Summary);
