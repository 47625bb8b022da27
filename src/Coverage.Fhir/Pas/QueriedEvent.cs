using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// One event a $events query returns: its number within the subscription, when it happened, and the case's PAS response
/// Bundle as it stands now (null when the case is no longer kept, or the client asked for no content).
/// </summary>
public sealed record QueriedEvent(long Number, DateTimeOffset At, Bundle? Response);
