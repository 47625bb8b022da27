namespace Coverage.Fhir.Pas;

/// <summary>
/// The Da Vinci PAS version this server conforms to, and the PAS and X12 URLs its answers use beyond
/// <see cref="FhirSystems"/> (which CRD shares).
/// </summary>
public static class PasSystems
{
    /// <summary>PAS 2.2.1: $inquire answers Parameters, a pended answer is outcome complete with review action A4.</summary>
    public const string Version = "2.2.1";

    /// <summary>The IG, versioned, as the CapabilityStatement declares it.</summary>
    public const string ImplementationGuide = FhirSystems.PasImplementationGuide + "|" + Version;

    /// <summary>The PAS CapabilityStatement of the payer (intermediary) role, which this server's instantiates.</summary>
    public const string IntermediaryCapabilities = "http://hl7.org/fhir/us/davinci-pas/CapabilityStatement/IntermediaryCapabilities|" + Version;

    private const string Extensions = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/";

    /// <summary>REF*NT: the payer's number for a pended or denied item, where an approval carries its certification number.</summary>
    public const string AdministrationReferenceNumber = Extensions + "extension-administrationReferenceNumber";

    /// <summary>REF*BB: an authorization number a provider quotes.</summary>
    public const string AuthorizationNumber = Extensions + "extension-authorizationNumber";

    /// <summary>Whether a human reviewed the request (<c>wasHumanReviewedFlag</c>), on the ClaimResponse.</summary>
    public const string ClaimResponseReviewer = Extensions + "extension-claimResponseReviewer";

    /// <summary>X12 1322 certification type on a Claim or an item: <c>3</c> cancels it.</summary>
    public const string CertificationType = Extensions + "extension-certificationType";

    /// <summary>The claim item a PAS CommunicationRequest asks information for (PAS 2.2.1 extension-serviceLineNumber).</summary>
    public const string ServiceLineNumber = Extensions + "extension-serviceLineNumber";

    /// <summary>
    /// LOINC 102089-0, what a PAS additional-information request carries when it asks for a payer's questionnaire: "a
    /// single 102089-0 LOINC code … to request information via a payer's specific questionnaire", whose tracking number
    /// is "the DTR context ID used to retrieve the appropriate questionnaire" (PAS 2.2.1, additionalinfo.md, ainfo-2/3).
    /// </summary>
    public const string QuestionnaireRequestLoinc = "102089-0";

    /// <summary>2000F TRN: the provider's trace number of an item, repeated in the item's answer.</summary>
    public const string ItemTraceNumber = Extensions + "extension-itemTraceNumber";

    /// <summary>The date a certified item's authorization was issued, and the period it is valid for.</summary>
    public const string ItemPreAuthIssueDate = Extensions + "extension-itemPreAuthIssueDate";
    public const string ItemPreAuthPeriod = Extensions + "extension-itemPreAuthPeriod";

    /// <summary>The date or period the submitter requested an item for, repeated in its answer.</summary>
    public const string ItemRequestedServiceDate = Extensions + "extension-itemRequestedServiceDate";

    /// <summary>Who a certified item authorizes to perform it (provider, role, qualification).</summary>
    public const string ItemAuthorizedProvider = Extensions + "extension-itemAuthorizedProvider";

    /// <summary>What a certified item authorizes: its code, modifiers, quantity, unit price and service detail.</summary>
    public const string ItemAuthorizedDetail = Extensions + "extension-itemAuthorizedDetail";

    /// <summary>A diagnosis relevant to an item (the ones the item points to in the request).</summary>
    public const string CommunicatedDiagnosis = Extensions + "extension-communicatedDiagnosis";

    /// <summary>The X12 envelope identifiers (GS02/GS03, ISA06/ISA08) of a transmission.</summary>
    public const string TransmissionIdentifiers = Extensions + "extension-TransmissionIdentifiers";

    /// <summary>X12 756, Report Transmission Code (PWK02): how requested information is to be sent; <c>EL</c>, electronically only.</summary>
    public const string X12ReportTransmission = "https://codesystem.x12.org/005010/756";
    public const string ElectronicallyOnly = "EL";

    public const string ErrorPath = Extensions + "extension-errorPath";
    public const string ErrorFollowupAction = Extensions + "extension-errorFollowupAction";

    /// <summary>X12 1322 code that cancels a request or an item.</summary>
    public const string CertificationCancel = "3";
    /// <summary>X12 1322 certification types of an appeal: 1 immediate (expedited), 2 standard (issue 18).</summary>
    public const string CertificationAppealImmediate = "1";
    public const string CertificationAppealStandard = "2";

    /// <summary>X12 901, Reject Reason Code (AAA03 of the 278 response): ClaimResponse.error.code.</summary>
    public const string X12RejectReason = "https://codesystem.x12.org/005010/901";

    /// <summary>X12 889, Follow-up Action Code (AAA04): <c>C</c>, please correct and resubmit.</summary>
    public const string X12FollowupAction = "https://codesystem.x12.org/005010/889";

    /// <summary>The $inquire output parameter, as the IG's OperationDefinition (Claim-inquiry) names it and the kit reads it.</summary>
    public const string InquiryReturnParameter = "return";

    /// <summary>The $submit / $inquire input parameter when the Bundle comes wrapped in Parameters.</summary>
    public const string ResourceParameter = "resource";
}
