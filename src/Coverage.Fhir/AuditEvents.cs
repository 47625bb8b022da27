using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>One audit event as recorded by the case store, ready to be shown as a FHIR AuditEvent.</summary>
public sealed record AuditRecord(
    long Id, DateTimeOffset At, string Action, string Actor, string? ActorRole, string Detail, Guid? CaseId, string? Subject,
    string? ActorIssuer = null, string? ActorClient = null, string? ActorSubject = null, string? Source = null);

/// <summary>
/// Audit events as FHIR R4 AuditEvents, shaped after IHE Basic Audit Log Patterns (BALP): a RESTful
/// event type with the create/read/update subtype, the agent who acted, the server as the observer,
/// and the case (or service) as the entity.
/// </summary>
public static class AuditEvents
{
    private const string EventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string RestfulInteraction = "http://hl7.org/fhir/restful-interaction";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";

    public static AuditEvent From(AuditRecord record, string serverName, string caseUrlBase)
    {
        var (subtype, action) = record.Action switch
        {
            "case-read" or "case-listed" or "audit-read" or "notice-produced" => ("read", AuditEvent.AuditEventAction.R),
            "case-created" => ("create", AuditEvent.AuditEventAction.C),
            "hook-answered" or "hook-refused" or "hook-feedback" or "feedback-refused" => ("operation", AuditEvent.AuditEventAction.E),
            _ => ("update", AuditEvent.AuditEventAction.U),
        };
        var refused = record.Action.EndsWith("-refused", StringComparison.Ordinal);
        var audit = new AuditEvent
        {
            Id = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Type = new Coding(EventType, "rest", "Restful Operation"),
            Subtype = [new Coding(RestfulInteraction, subtype), new Coding("urn:coverage:audit-action", record.Action)],
            Action = action,
            Recorded = record.At,
            Outcome = refused ? AuditEvent.AuditEventOutcome.N4 : AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = record.Detail,
            Agent =
            [
                new AuditEvent.AgentComponent
                {
                    Who = new ResourceReference { Identifier = new Identifier("urn:coverage:actor", record.Actor), Display = record.Actor },
                    Type = record.ActorRole is null ? null : new CodeableConcept("urn:coverage:actor-role", record.ActorRole),
                    // The token's subject at its issuer, and the address the call came from (BALP agent.altId, agent.network).
                    AltId = record.ActorSubject is null ? null : $"{record.ActorSubject}@{record.ActorIssuer}",
                    Network = record.Source is null ? null : new AuditEvent.NetworkComponent { Address = record.Source, Type = AuditEvent.AuditEventAgentNetworkType.N2 },
                    Requestor = true,
                },
            ],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = serverName } },
        };
        // The OAuth client the person (or the client itself) acted through, as a second agent: BALP's client agent.
        if (record.ActorClient is { } client && client != record.Actor)
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Who = new ResourceReference { Identifier = new Identifier(record.ActorIssuer ?? "urn:coverage:client", client), Display = client },
                Type = new CodeableConcept("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application"),
                Requestor = false,
            });
        var entity = new AuditEvent.EntityComponent
        {
            Type = new Coding(EntityType, "2", "System Object"),
            Name = record.Subject,
        };
        if (record.CaseId is { } caseId)
            entity.What = new ResourceReference { Reference = $"{caseUrlBase.TrimEnd('/')}/{caseId}", Identifier = new Identifier("urn:coverage:case-id", caseId.ToString()) };
        audit.Entity.Add(entity);
        return audit;
    }

    public static Bundle SearchSet(IEnumerable<AuditEvent> events, string fhirBaseUrl, string selfUrl)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Link = [new Bundle.LinkComponent { Relation = "self", Url = selfUrl }] };
        foreach (var audit in events)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{fhirBaseUrl.TrimEnd('/')}/AuditEvent/{audit.Id}",
                Resource = audit,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        bundle.Total = bundle.Entry.Count;
        return bundle;
    }
}
