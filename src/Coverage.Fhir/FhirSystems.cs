namespace Coverage.Fhir;

/// <summary>Code system and profile URLs of HL7 FHIR, Da Vinci CRD/PAS and X12 that the adapters use.</summary>
public static class FhirSystems
{
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    public const string HcpcsHttps = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string CoverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class";
    public const string Adjudication = "http://terminology.hl7.org/CodeSystem/adjudication";
    public const string ProcessPriority = "http://terminology.hl7.org/CodeSystem/processpriority";

    public const string CrdCoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
    public const string CrdTemp = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";
    public const string CrdImplementationGuide = "http://hl7.org/fhir/us/davinci-crd/ImplementationGuide/hl7.fhir.us.davinci-crd";

    public const string PasReviewAction = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction";
    public const string PasReviewActionCode = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode";
    public const string PasSubmitOperation = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit";
    public const string PasInquireOperation = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry";
    public const string PasImplementationGuide = "http://hl7.org/fhir/us/davinci-pas/ImplementationGuide/hl7.fhir.us.davinci-pas";

    /// <summary>X12 code list 306, Action Code (HCR01 of the 278 response).</summary>
    public const string X12ActionCode = "https://codesystem.x12.org/005010/306";

    public static bool IsProcedureSystem(string? system) => system is Cpt or Hcpcs or HcpcsHttps;
}
