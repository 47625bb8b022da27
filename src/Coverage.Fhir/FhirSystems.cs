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
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Loinc = "http://loinc.org";

    /// <summary>
    /// Coverage's own code system for clinical facts: its codes are the fact names of the catalogue
    /// (policies/clinical-facts.yaml and the policies' facts.yaml), so every fact can be sent coded even when
    /// no standard code carries it (docs/crd-pas.md, "Clinical facts").
    /// </summary>
    public const string ClinicalFact = "https://coverage.payer.example/fhir/CodeSystem/clinical-fact";
    /// <summary>Coverage's code system for the values of code facts: its codes are the values the catalogue lists for them.</summary>
    public const string ClinicalFactValue = "https://coverage.payer.example/fhir/CodeSystem/clinical-fact-value";

    public const string CrdCoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
    public const string CrdTemp = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";
    public const string CrdImplementationGuide = "http://hl7.org/fhir/us/davinci-crd/ImplementationGuide/hl7.fhir.us.davinci-crd";

    public const string PasReviewAction = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction";
    public const string PasReviewActionCode = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode";
    public const string PasSubmitOperation = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit";
    public const string PasInquireOperation = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry";
    public const string PasImplementationGuide = "http://hl7.org/fhir/us/davinci-pas/ImplementationGuide/hl7.fhir.us.davinci-pas";

    /// <summary>Da Vinci DTR, the version this server serves (docs/dtr.md): the payer side's operations.</summary>
    public const string DtrVersion = "2.0.1";
    public const string DtrImplementationGuide = "http://hl7.org/fhir/us/davinci-dtr/ImplementationGuide/hl7.fhir.us.davinci-dtr|" + DtrVersion;
    public const string DtrQuestionnairePackageOperation = "http://hl7.org/fhir/us/davinci-dtr/OperationDefinition/questionnaire-package|" + DtrVersion;
    /// <summary>SDC's $next-question, which DTR 2.0.1 uses for adaptive forms.</summary>
    public const string SdcNextQuestionOperation = "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question";

    /// <summary>X12 code list 306, Action Code (HCR01 of the 278 response).</summary>
    public const string X12ActionCode = "https://codesystem.x12.org/005010/306";

    /// <summary>The CMS Blue Button HCPCS system, which the Inferno CRD kit's orders (and Blue Button data) use.</summary>
    public const string HcpcsBlueButton = "https://bluebutton.cms.gov/resources/codesystem/hcpcs";

    /// <summary>Da Vinci CRD (2.1+) ext-billing-options on an order's code: the billing codes the order may be billed as.</summary>
    public const string CrdBillingOptions = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options";

    /// <summary>A CPT or HCPCS system an order's code may be written in: the procedure systems and Blue Button's HCPCS.</summary>
    public static bool IsOrderBillingSystem(string? system) => IsProcedureSystem(system) || system == HcpcsBlueButton;

    public static bool IsProcedureSystem(string? system) => system is Cpt or Hcpcs or HcpcsHttps;

    /// <summary>The code system of a procedure code by its shape: HCPCS Level II starts with a letter (C9734), CPT with a digit (0581T).</summary>
    public static string ProcedureSystem(string code) => code.Length > 0 && char.IsAsciiLetter(code[0]) ? Hcpcs : Cpt;
}
