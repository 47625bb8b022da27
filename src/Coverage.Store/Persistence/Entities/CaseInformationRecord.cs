using System.Text.Json.Nodes;

namespace Coverage.Store.Entities;

/// <summary>
/// Information added to a case waiting for it, exactly as sent, with who sent it: information is appended,
/// never overwrites what the case held, and reviewers see every addition's values (not only its keys). Questionnaire
/// answers that came with the request itself (PAS $submit, a claim update) are kept the same way, so that each
/// answer's origin and question are in one history whichever way it arrived.
/// </summary>
public sealed class CaseInformationRecord
{
    public long Id { get; set; }
    public Guid CaseId { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public string? ActorRole { get; set; }
    public string? ActorClient { get; set; }
    /// <summary>The organisation of the sender.</summary>
    public string Tenant { get; set; } = "";
    /// <summary>The information document (JSON), as validated and merged.</summary>
    public string InformationJson { get; set; } = "";

    /// <summary>An addition by the caller (who sent it comes from the authenticated caller, never the document).</summary>
    public static CaseInformationRecord Of(Guid caseId, DateTime at, Caller caller, JsonObject information) => new()
    {
        CaseId = caseId, At = at, Actor = caller.Actor.Id, ActorRole = caller.Actor.Role, ActorClient = caller.Actor.ClientId,
        Tenant = caller.Tenant, InformationJson = information.ToJsonString(),
    };
}
