using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>GET /fhir/metadata: what the FHIR endpoint supports (PAS $submit and $inquire on Claim, DTR's Questionnaire operations).</summary>
public static class FhirCapabilities
{
    /// <summary>
    /// The version as the public may see it: the release only. The informational version's build metadata
    /// (after '+': the git commit) would tell an anonymous caller exactly which source runs here.
    /// </summary>
    public static string PublicVersion(string version) => version.Split('+', 2)[0];

    public static CapabilityStatement Build(string baseUrl, string softwareVersion, DateTimeOffset date) => new()
    {
        Url = $"{baseUrl.TrimEnd('/')}/metadata",
        Name = "CoveragePriorAuthorization",
        Title = "Coverage: Da Vinci prior authorization (PAS)",
        Status = PublicationStatus.Active,
        Date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Publisher = "Coverage",
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "Coverage", Version = PublicVersion(softwareVersion) },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "Coverage policy engine", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["application/fhir+json", "json"],
        // PAS as the version it conforms to (PasSystems.Version), and the payer role's CapabilityStatement of that version.
        Instantiates = [PasSystems.IntermediaryCapabilities],
        ImplementationGuide = [PasSystems.ImplementationGuide, FhirSystems.CrdImplementationGuide, FhirSystems.DtrImplementationGuide],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "Prior authorization requests as PAS Bundles; each request is kept as a case of the Coverage case store.",
                Security = new CapabilityStatement.SecurityComponent
                {
                    Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")],
                    Description = "OAuth 2.0 bearer tokens (SMART Backend Services): system/Claim.c for $submit, system/ClaimResponse.r for $inquire, coverage/audit.read for AuditEvent.",
                },
                Resource =
                [
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "Claim",
                        Operation =
                        [
                            new CapabilityStatement.OperationComponent { Name = "submit", Definition = FhirSystems.PasSubmitOperation },
                            new CapabilityStatement.OperationComponent { Name = "inquire", Definition = FhirSystems.PasInquireOperation },
                        ],
                    },
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "AuditEvent",
                        Documentation = "The audit trail, for auditors (scope coverage/audit.read).",
                        Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType }],
                        SearchParam =
                        [
                            new CapabilityStatement.SearchParamComponent { Name = "entity", Type = SearchParamType.Reference, Documentation = "The case id" },
                            new CapabilityStatement.SearchParamComponent { Name = "subject", Type = SearchParamType.String, Documentation = "A service subject, such as cds-hooks/order-sign" },
                        ],
                    },
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "Questionnaire",
                        Documentation = "DTR 2.0.1: questionnaires generated from the catalogue's criteria (docs/dtr.md); scope system/Questionnaire.r.",
                        Interaction = DtrReadAndSearch,
                        SearchParam = DtrSearchParameters,
                        Operation =
                        [
                            new CapabilityStatement.OperationComponent { Name = "questionnaire-package", Definition = FhirSystems.DtrQuestionnairePackageOperation },
                            new CapabilityStatement.OperationComponent { Name = "next-question", Definition = FhirSystems.SdcNextQuestionOperation },
                        ],
                    },
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "Library",
                        Documentation = "DTR 2.0.1: the pre-population Libraries (CQL and ELM) the questionnaires name; scope system/Questionnaire.r.",
                        Interaction = DtrReadAndSearch,
                        SearchParam = DtrSearchParameters,
                    },
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "ValueSet",
                        Documentation = "DTR 2.0.1: the answer ValueSets the questionnaires bind, with their expansion; scope system/Questionnaire.r.",
                        Interaction = DtrReadAndSearch,
                        SearchParam = DtrSearchParameters,
                    },
                    SubscriptionCapability.Resource(),
                ],
            },
        ],
    };

    /// <summary>The DTR resources are read by id and searched by canonical (url, version), as a DTR client resolves one.</summary>
    private static List<CapabilityStatement.ResourceInteractionComponent> DtrReadAndSearch =>
    [
        new() { Code = CapabilityStatement.TypeRestfulInteraction.Read },
        new() { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
    ];

    private static List<CapabilityStatement.SearchParamComponent> DtrSearchParameters =>
    [
        new() { Name = "url", Type = SearchParamType.Uri, Documentation = "The canonical URL (url|version is read as both)" },
        new() { Name = "version", Type = SearchParamType.Token, Documentation = "The catalogue digest the resource was generated from" },
    ];
}
