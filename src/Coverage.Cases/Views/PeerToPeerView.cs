namespace Coverage.Cases;

/// <summary>A peer-to-peer discussion recorded on a case: when, by which physician, with whom, and what was said.</summary>
public sealed record PeerToPeerView(DateTime HeldAt, string By, string With, string Summary);
