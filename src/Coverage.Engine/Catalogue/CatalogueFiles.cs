using YamlDotNet.Serialization;

namespace Coverage.Engine.Catalogue;

// The shapes of the YAML files, exactly as authors write them (docs/policy-authoring.md).
// Everything is nullable here: CatalogueLoader checks presence and consistency and names what is wrong.
#pragma warning disable CA1002, CA2227 // YAML binding needs settable lists.

internal sealed class ManifestFile
{
    public string? Extends { get; set; }
}

internal sealed class FactsFile
{
    public List<FactEntry>? Facts { get; set; }
}

internal sealed class FactEntry
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Unit { get; set; }
    public double? Minimum { get; set; }
    public double? Maximum { get; set; }
    public List<string>? Values { get; set; }
    public string? DerivedFrom { get; set; }
    public string? Of { get; set; }
    public List<string>? Counting { get; set; }
    public string? Description { get; set; }
    public string? Documentation { get; set; }
    public List<FactCodingEntry>? Codes { get; set; }
}

internal sealed class FactCodingEntry
{
    public string? System { get; set; }
    public string? Code { get; set; }
    public string? Display { get; set; }
}

internal sealed class PolicyFile
{
    /// <summary>"draft" for a policy imported from a document and not yet completed by an analyst; absent otherwise.</summary>
    public string? Status { get; set; }
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Publisher { get; set; }
    public string? EffectiveDate { get; set; }
    public string? NextReviewDate { get; set; }
    public int? Precedence { get; set; }
    public List<StandsForEntry>? StandsFor { get; set; }
    public Dictionary<string, TextEntry>? Text { get; set; }
    public List<ModalityEntry>? Modalities { get; set; }
    public List<string>? UnspecifiedProcedureTerms { get; set; }
    public string? ServiceKind { get; set; }
    public ConditionEntry? Condition { get; set; }
    public List<IndicationEntry>? Indications { get; set; }
    public List<CodeEntry>? Codes { get; set; }
    public List<VersionEntry>? Versions { get; set; }
    public List<RelatedResourceEntry>? RelatedResources { get; set; }
    public List<FdaDeviceEntry>? FdaDevices { get; set; }
}

internal sealed class TextEntry
{
    public string? Section { get; set; }
    public string? Text { get; set; }
}

internal sealed class ModalityEntry
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public List<string>? Synonyms { get; set; }
}

internal sealed class StandsForEntry
{
    public string? Policy { get; set; }
    public string? Resource { get; set; }
}

internal sealed class IndicationEntry
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public List<string>? Diagnoses { get; set; }
}

internal sealed class ConditionEntry
{
    public string? Name { get; set; }
    public List<string>? Diagnoses { get; set; }
}

internal sealed class CodeEntry
{
    public string? Code { get; set; }
    public string? System { get; set; }
    public string? Description { get; set; }
    public bool Unlisted { get; set; }
    public string? Modality { get; set; }
    public bool? NamesCondition { get; set; }
    public ValidityEntry? Validity { get; set; }
}

internal sealed class ValidityEntry
{
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Source { get; set; }
}

internal sealed class VersionEntry
{
    public string? Effective { get; set; }
    public string? ReviewType { get; set; }
    public string? Changes { get; set; }
    public List<string>? Modalities { get; set; }
    public List<string>? Codes { get; set; }
    public StatementEntry? CoverageStatement { get; set; }
    public List<RuleEntry>? Statements { get; set; }
}

internal sealed class RuleEntry
{
    public string? Id { get; set; }
    public string? Section { get; set; }
    public string? Text { get; set; }
    public List<string>? Services { get; set; }
    public List<string>? Codes { get; set; }
    public List<string>? Indications { get; set; }
    public CriteriaEntry? Criteria { get; set; }
    public string? Determination { get; set; }
    public OtherwiseEntry? Otherwise { get; set; }
    public List<string>? Cites { get; set; }
}

internal sealed class OtherwiseEntry
{
    public string? Determination { get; set; }
    public string? Section { get; set; }
    public string? Text { get; set; }
    /// <summary>True: when the criteria are not met, the next statement decides.</summary>
    public bool Next { get; set; }
}

/// <summary>A criteria node: a named criterion (id, text, when) or a group (all, any, none, or atLeast with of).</summary>
internal sealed class CriteriaEntry
{
    public string? Id { get; set; }
    public string? Text { get; set; }
    public string? Section { get; set; }
    public FactConditionEntry? When { get; set; }
    /// <summary>True in a draft: the criterion's text is the document's, and no one has mapped it to facts yet.</summary>
    public bool Unmapped { get; set; }
    public List<CriteriaEntry>? All { get; set; }
    public List<CriteriaEntry>? Any { get; set; }
    public List<CriteriaEntry>? None { get; set; }
    public int? AtLeast { get; set; }
    public List<CriteriaEntry>? Of { get; set; }
}

internal sealed class StatementEntry
{
    public string? Section { get; set; }
    public string? Text { get; set; }
    public string? Determination { get; set; }
}

internal sealed class RelatedResourceEntry
{
    public string? Title { get; set; }
    public List<string>? MatchTerms { get; set; }
    public string? Note { get; set; }
    /// <summary>The id of the catalogue policy that addresses the resource's lines, when the catalogue holds it.</summary>
    public string? Policy { get; set; }
}

internal sealed class FdaDeviceEntry
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Manufacturer { get; set; }
    public string? Authorization { get; set; }
    public string? Pathway { get; set; }
    public string? DecisionDate { get; set; }
    public string? ProductCode { get; set; }
    public string? DeviceClass { get; set; }
    public List<string>? Modalities { get; set; }
    public string? Indication { get; set; }
    public string? LowRiskDefinition { get; set; }
    public List<CriterionEntry>? Criteria { get; set; }
    public List<string>? Limitations { get; set; }
}

internal sealed class CriterionEntry
{
    public string? Id { get; set; }
    public string? Text { get; set; }
    public string? Source { get; set; }
    public FactConditionEntry? When { get; set; }
}

internal sealed class FactConditionEntry
{
    public string? Fact { get; set; }
    [YamlMember(Alias = "equals")]
    public string? EqualTo { get; set; }
    public double? AtLeast { get; set; }
    public double? AtMost { get; set; }
    public double? LessThan { get; set; }
    public double? GreaterThan { get; set; }
    public List<FactConditionEntry>? AnyOf { get; set; }
    public List<FactConditionEntry>? AllOf { get; set; }
    public List<FactConditionEntry>? NoneOf { get; set; }
    /// <summary>ICD-10-CM codes and categories (C79.51, G40.*): true when a diagnosis of the request is one.</summary>
    public List<string>? DiagnosisIn { get; set; }
}

internal sealed class ReferencesFile
{
    public List<ReferenceEntry>? References { get; set; }
}

internal sealed class ReferenceEntry
{
    public int? Number { get; set; }
    public string? Short { get; set; }
    public string? Citation { get; set; }
    public string? Url { get; set; }
    public string? Note { get; set; }
}

internal sealed class EvidenceFile
{
    public BackgroundEntry? Background { get; set; }
    public List<EvidenceEntry>? Modalities { get; set; }
}

internal sealed class BackgroundEntry
{
    public string? Section { get; set; }
    public string? Overview { get; set; }
    public List<int>? References { get; set; }
    public List<SocietyEntry>? ProfessionalSocieties { get; set; }
}

internal sealed class SocietyEntry
{
    public string? Organization { get; set; }
    public string? Statement { get; set; }
    public List<int>? References { get; set; }
}

internal sealed class EvidenceEntry
{
    public string? Modality { get; set; }
    public string? Section { get; set; }
    public string? Description { get; set; }
    public List<int>? DescriptionReferences { get; set; }
    public string? FdaStatus { get; set; }
    public string? Conclusion { get; set; }
    public List<int>? ConclusionReferences { get; set; }
    public string? CommonLimitations { get; set; }
    public List<int>? CommonLimitationsReferences { get; set; }
    public List<StudyEntry>? Studies { get; set; }
}

internal sealed class StudyEntry
{
    public string? Citation { get; set; }
    public List<int>? References { get; set; }
    public string? Note { get; set; }
    public string? Design { get; set; }
    public string? Participants { get; set; }
    public int? SampleSize { get; set; }
    public string? FollowUp { get; set; }
    public string? Findings { get; set; }
    public List<string>? Limitations { get; set; }
}

internal sealed class PlanFile
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool Default { get; set; }
    public string? LineOfBusiness { get; set; }
    public int? AppealWindowDays { get; set; }
    public List<ProvisionEntry>? Provisions { get; set; }
}

internal sealed class ProvisionEntry
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Source { get; set; }
    public string? Effect { get; set; }
    public string? Policy { get; set; }
    public List<string>? Modalities { get; set; }
    public string? RequiresFdaLabel { get; set; }
    public string? Section { get; set; }
    public string? Text { get; set; }
}
