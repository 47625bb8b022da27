using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>
/// A provider's update of a request it submitted (PAS Claim update): the request as it now stands, without the
/// lines it cancels; or the cancellation of the whole request.
/// </summary>
/// <param name="RequestId">The submitter's request id of the case it updates.</param>
/// <param name="Request">The updated request (its live lines); null when <paramref name="CancelsAll"/>.</param>
/// <param name="Cancelled">Lines it cancels.</param>
/// <param name="CancelsAll">It cancels the whole request.</param>
/// <param name="AppealPriority">It contests the request's denial (PAS certificationType 1 or 2): the appeal's urgency; null otherwise.</param>
public sealed record CaseUpdate(string RequestId, CoverageRequest? Request, IReadOnlyList<CancelledLine> Cancelled, bool CancelsAll, RequestPriority? AppealPriority = null);
