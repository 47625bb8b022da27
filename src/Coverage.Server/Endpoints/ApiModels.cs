using System.Text.Json;
using System.Text.Json.Serialization;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Server.Endpoints;

/// <summary>A case as the API shows it: its state, reviewer decisions and the determination JSON of the contract.</summary>
/// <param name="Determination">The stored determination, read once (<see cref="DeterminationReader"/>) and written as the contract writes it.</param>
public sealed record CaseResponse(
    Guid CaseId,
    string Status,
    string? RequestId,
    string? MemberId,
    string Kind,
    string Priority,
    DateTime ReceivedAt,
    DateTime DueAt,
    DateTime UpdatedAt,
    DateTime? FinalizedAt,
    string? InformationRequest,
    string Outcome,
    string? FinalOutcome,
    int Revision,
    IReadOnlyList<DecisionView> Decisions,
    [property: JsonConverter(typeof(DeterminationJsonConverter))] Determination Determination,
    IReadOnlyList<int> HeldLines,
    string? LineOfBusiness = null,
    DateTime? ClockPausedAt = null,
    DateTime? ExtendedAt = null,
    string? ExtensionReason = null,
    DateTime? FirstDecidedAt = null,
    bool? DecidedOnTime = null,
    AppealView? Appeal = null,
    PeerToPeerView? PeerToPeer = null,
    IReadOnlyList<Coverage.Fhir.Dtr.RequestedQuestionnaire>? InformationRequestQuestionnaires = null)
{
    /// <param name="questionnaires">What the open information request asks the provider to complete (none when no request is open).</param>
    public static CaseResponse From(CaseView view, IReadOnlyList<Coverage.Fhir.Dtr.RequestedQuestionnaire>? questionnaires = null) => new(
        view.Id, view.Status, view.RequestId, view.MemberId, view.Kind, view.Priority, view.ReceivedAt, view.DueAt,
        view.UpdatedAt, view.FinalizedAt, view.InformationRequest, view.Outcome, view.FinalOutcome, view.Revision, view.Decisions,
        view.Evaluated ?? DeterminationReader.Read(view.DeterminationJson), view.HeldLines,
        view.LineOfBusiness, view.ClockPausedAt, view.ExtendedAt, view.ExtensionReason, view.FirstDecidedAt, view.DecidedOnTime, view.Appeal, view.PeerToPeer,
        view.InformationRequest is null ? null : questionnaires ?? []);
}

public sealed record CasePageResponse(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, int Total);

public sealed record AuditResponse(Guid CaseId, IReadOnlyList<AuditEventView> Events);

/// <summary>Every addition of information to a case: when, who sent it, and the document sent (values, not only keys).</summary>
public sealed record InformationHistoryResponse(Guid CaseId, IReadOnlyList<InformationAddition> Additions)
{
    public static InformationHistoryResponse From(Guid caseId, IReadOnlyList<InformationView> additions) => new(caseId, additions
        .Select(a =>
        {
            using var document = JsonDocument.Parse(a.InformationJson);
            return new InformationAddition(a.At, a.Actor, a.ActorRole, a.ActorClient, document.RootElement.Clone());
        })
        .ToList());
}

public sealed record InformationAddition(DateTime At, string Actor, string? ActorRole, string? ActorClient, JsonElement Information);
