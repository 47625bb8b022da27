using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>
/// An appeal of a case's adverse determination: on whose behalf it is filed (<see cref="AppealFilers"/>), why, and
/// how urgent it is. Who filed it is the authenticated caller, never named here.
/// </summary>
public sealed record AppealSubmission(string FiledBy, string Reason, RequestPriority Priority);
