using Coverage.Engine.Model;

namespace Coverage.Engine.Catalogue;

/// <summary>A coverage policy as data: every version, the codes and modalities it addresses, its evidence.</summary>
public sealed record CoveragePolicy
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Publisher { get; init; }
    /// <summary>The effective date of the current version, as the policy's front page states it.</summary>
    public required DateOnly EffectiveDate { get; init; }
    public required DateOnly NextReviewDate { get; init; }
    /// <summary>
    /// Where the policy stands among the catalogue's policies that list the same code: lower is consulted first.
    /// Two policies sharing a code must not share a precedence (CatalogueLoader), so folder order never decides.
    /// </summary>
    public int Precedence { get; init; }
    public required PolicyTexts Texts { get; init; }
    /// <summary>Related coverage resources of other policies that this policy addresses in this catalogue (a stand-in).</summary>
    public IReadOnlyList<StandIn> StandsFor { get; init; } = [];
    /// <summary>Oldest first.</summary>
    public required IReadOnlyList<PolicyVersion> Versions { get; init; }
    public required IReadOnlyDictionary<string, Modality> Modalities { get; init; }
    public required IReadOnlyDictionary<string, ProcedureCode> Codes { get; init; }
    /// <summary>
    /// The one condition a single-indication policy is about (0540: malignant breast tumor); null for a policy
    /// that names several indications, whose statements say which each is about.
    /// </summary>
    public DiagnosisValueSet? Condition { get; init; }
    /// <summary>Every indication the policy names, by id (a single-indication policy's condition is its one).</summary>
    public IReadOnlyList<Indication> Indications { get; init; } = [];
    /// <summary>
    /// What kind of service the policy is about, as its explanations say it ("ablation": a description "names an
    /// ablation without saying which kind", the policy "addresses ablation of a …"); "treatment" when it does not say.
    /// </summary>
    public string ServiceKind { get; init; } = DefaultServiceKind;

    public const string DefaultServiceKind = "treatment";

    /// <summary>"an ablation", "a treatment".</summary>
    public string AServiceKind => ("aeiou".Contains(ServiceKind[0], StringComparison.Ordinal) ? "an " : "a ") + ServiceKind;

    /// <summary>Terms that say a description names some service of the policy's kind without saying which one.</summary>
    public required IReadOnlyList<string> UnspecifiedProcedureTerms { get; init; }
    public required IReadOnlyList<RelatedResource> RelatedResources { get; init; }
    public required IReadOnlyList<FdaDevice> FdaDevices { get; init; }
    public required IReadOnlyDictionary<int, PolicyReferenceEntry> References { get; init; }
    /// <summary>The General Background, when the policy has an evidence.yaml.</summary>
    public EvidenceBackground? Background { get; init; }
    public required IReadOnlyDictionary<string, EvidenceSummary> Evidence { get; init; }

    public PolicyVersion CurrentVersion => Versions[^1];

    /// <summary>The latest version whose effective date is on or before the date (spec section 2); null before the first.</summary>
    public PolicyVersion? VersionOn(DateOnly date)
    {
        PolicyVersion? applicable = null;
        foreach (var version in Versions)
        {
            if (version.Effective > date) break;
            applicable = version;
        }
        return applicable;
    }
}

/// <summary>
/// Verbatim passages of the policy, by key. The evaluator cites the passages it knows by these keys when the
/// policy has them (overview, codeValidity, …); statements cite any passage by its key (<see cref="All"/>).
/// Only the overview is required: a determination always says what the policy addresses.
/// </summary>
public sealed record PolicyTexts
{
    public required PolicyText Overview { get; init; }
    public PolicyText? InstructionsForUse { get; init; }
    public PolicyText? CodeValidity { get; init; }
    public PolicyText? DiagnosisCoding { get; init; }
    public PolicyText? RelatedResources { get; init; }
    public PolicyText? FdaNote { get; init; }
    public IReadOnlyDictionary<string, PolicyText> All { get; init; } = new Dictionary<string, PolicyText>();
}

public sealed record PolicyText(string Section, string Text)
{
    public Citation ToCitation() => Citation.OfSection(Section, Text);
}

public sealed record PolicyVersion
{
    /// <summary>The version's name: its effective date, yyyy-MM-dd.</summary>
    public required string Version { get; init; }
    public required DateOnly Effective { get; init; }
    public required string ReviewType { get; init; }
    public required string Changes { get; init; }
    public required IReadOnlySet<string> Modalities { get; init; }
    /// <summary>In the order the version's Coding Information lists them.</summary>
    public required IReadOnlyList<string> Codes { get; init; }
    /// <summary>The one statement of a version written as a single coverage statement (0540); null when it has <see cref="Rules"/>.</summary>
    public CoverageStatement? Statement { get; init; }
    /// <summary>The version's ordered coverage statements with their scopes and criteria; empty for a single statement.</summary>
    public IReadOnlyList<CoverageRule> Rules { get; init; } = [];
}

public enum StatementDetermination
{
    NotMedicallyNecessary,
    MedicallyNecessary,
    /// <summary>Experimental, investigational or unproven: an adverse medical-necessity finding (CARC 55).</summary>
    ExperimentalInvestigationalUnproven,
    /// <summary>Not a covered service under the policy, whatever the medical necessity (CARC 96).</summary>
    NotCovered,
}

public sealed record CoverageStatement(string Section, string Text, StatementDetermination Determination);

public sealed record Modality
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Names and abbreviations that identify the modality in a free-text description (spec section 4).</summary>
    public required IReadOnlyList<string> Synonyms { get; init; }
}

public sealed record ProcedureCode
{
    public required string Code { get; init; }
    public required string System { get; init; }
    public required string Description { get; init; }
    /// <summary>An unlisted code: the modality comes from the line's description.</summary>
    public required bool Unlisted { get; init; }
    /// <summary>The modality the code itself names, if it names one.</summary>
    public string? Modality { get; init; }
    /// <summary>True when the code's own descriptor names the policy's condition (0581T, 0971T: "malignant breast tumor").</summary>
    public required bool NamesCondition { get; init; }
    public required CodeValidity Validity { get; init; }
}

/// <summary>When a code may be reported (spec section 3); both ends inclusive, null for open.</summary>
public sealed record CodeValidity(DateOnly? From, DateOnly? To, string Source)
{
    public bool IsValidOn(DateOnly date) => (From is null || date >= From) && (To is null || date <= To);
}

/// <summary>ICD-10-CM codes, as exact codes and as prefixes (C50 covers C50.*), normalised without dots.</summary>
public sealed record DiagnosisValueSet
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Prefixes { get; init; }
    public required IReadOnlyList<string> Codes { get; init; }
    /// <summary>The entries as the policy's authors wrote them (C50.*, C79.81), for explanations.</summary>
    public required string Display { get; init; }

    public bool Contains(string normalisedCode)
    {
        // Index loops: foreach over an IReadOnlyList would allocate an enumerator on every line.
        for (var i = 0; i < Codes.Count; i++)
            if (string.Equals(Codes[i], normalisedCode, StringComparison.Ordinal)) return true;
        for (var i = 0; i < Prefixes.Count; i++)
            if (normalisedCode.StartsWith(Prefixes[i], StringComparison.Ordinal)) return true;
        return false;
    }
}

/// <summary>Another coverage resource that addresses some lines this policy's codes can carry (HIFU).</summary>
public sealed record RelatedResource
{
    public required string Title { get; init; }
    /// <summary>Terms of a description that send the line to this resource; empty when none do.</summary>
    public required IReadOnlyList<string> MatchTerms { get; init; }
    public string? Note { get; init; }
    /// <summary>The catalogue policy that addresses the resource's lines, if the policy file names one.</summary>
    public string? PolicyId { get; init; }
}

/// <summary>"This policy is the related resource <paramref name="Resource"/> of policy <paramref name="PolicyId"/>."</summary>
public sealed record StandIn(string PolicyId, string Resource);

public sealed record PolicyReferenceEntry(int Number, string ShortCitation, string Citation, string? Url, string? Note);

public sealed record EvidenceBackground
{
    public required string Section { get; init; }
    public required string Overview { get; init; }
    public required IReadOnlyList<int> References { get; init; }
    public required IReadOnlyList<ProfessionalSocietyStatement> ProfessionalSocieties { get; init; }
}

public sealed record ProfessionalSocietyStatement(string Organization, string Statement, IReadOnlyList<int> References);

/// <summary>What the policy's General Background says of one modality.</summary>
public sealed record EvidenceSummary
{
    public required string Modality { get; init; }
    public required string Section { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<int> DescriptionReferences { get; init; }
    public required string FdaStatus { get; init; }
    public required string Conclusion { get; init; }
    public required IReadOnlyList<int> ConclusionReferences { get; init; }
    public string? CommonLimitations { get; init; }
    public IReadOnlyList<int> CommonLimitationsReferences { get; init; } = [];
    public required IReadOnlyList<Study> Studies { get; init; }
}

public sealed record Study
{
    public required string Citation { get; init; }
    public required IReadOnlyList<int> References { get; init; }
    public string? Note { get; init; }
    public required string Design { get; init; }
    public required string Participants { get; init; }
    public int? SampleSize { get; init; }
    public string? FollowUp { get; init; }
    public required string Findings { get; init; }
    public required IReadOnlyList<string> Limitations { get; init; }
}
