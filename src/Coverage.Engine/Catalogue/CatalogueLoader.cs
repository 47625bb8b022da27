using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Coverage.Engine.Descriptions;
using Coverage.Engine.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Coverage.Engine.Catalogue;

/// <summary>
/// Reads and validates the catalogue: <c>policies/clinical-facts.yaml</c>, one folder per policy under
/// <c>policies/</c> (policy.yaml, references.yaml, evidence.yaml) and one file per plan under <c>plans/</c>.
/// Every problem is reported with its file, the path inside the file and the reason; nothing is half loaded.
/// </summary>
public static partial class CatalogueLoader
{
    public const string FactsFileName = "clinical-facts.yaml";
    /// <summary>The facts one policy defines for its own criteria, in its folder.</summary>
    public const string PolicyFactsFileName = "facts.yaml";

    /// <summary>Loads the catalogue under <paramref name="root"/> or throws <see cref="CatalogueException"/>.</summary>
    public static PolicyCatalogue Load(string root)
    {
        var (catalogue, errors) = TryLoad(root);
        return catalogue ?? throw new CatalogueException(errors);
    }

    /// <summary>Loads and validates; returns the catalogue only when there is no error.</summary>
    public static (PolicyCatalogue? Catalogue, IReadOnlyList<CatalogueError> Errors) TryLoad(string root)
    {
        var problems = new Problems(root);
        var roots = Roots(root, problems);
        if (problems.Any) return (null, problems.Errors);
        var policiesDir = Path.Combine(root, "policies");
        var plansDir = Path.Combine(root, "plans");
        var policyDirs = roots.SelectMany(r => CatalogueDisk.Folders(Path.Combine(r, "policies"))).ToList();

        var facts = LoadFacts(
            [Path.Combine(roots[0], "policies", FactsFileName), .. policyDirs.Select(dir => Path.Combine(dir, PolicyFactsFileName)).Where(CatalogueDisk.FileExists)],
            problems);
        var policies = new List<CoveragePolicy>();
        var brokenPolicies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in policyDirs)
        {
            var policy = LoadPolicy(dir, facts, problems);
            if (policy is null)
            {
                // Plans naming a policy that failed to load would only repeat its errors.
                brokenPolicies.Add(Path.GetFileName(dir).Split('-')[0]);
                continue;
            }
            if (policies.Any(p => p.Id == policy.Id))
                problems.Add(Path.Combine(dir, "policy.yaml"), "id", $"policy {policy.Id} is defined twice");
            else
                policies.Add(policy);
        }
        if (policies.Count == 0 && !problems.Any) problems.Add(policiesDir, "", "no policy folder (with a policy.yaml) here");
        CheckPrecedence(policyDirs, policies, problems);
        CheckStandIns(policyDirs, policies, problems);

        var plans = new List<BenefitPlan>();
        foreach (var file in roots.Select(r => Path.Combine(r, "plans")).Where(CatalogueDisk.FolderExists)
                     .SelectMany(dir => CatalogueDisk.Files(dir, "*.yaml").Order(StringComparer.Ordinal)))
        {
            var plan = LoadPlan(file, policies, brokenPolicies, problems);
            if (plan is null) continue;
            if (plans.Any(p => p.Id == plan.Id)) problems.Add(file, "id", $"plan {plan.Id} is defined twice in the catalogue");
            else plans.Add(plan);
        }
        var defaults = plans.Where(p => p.IsDefault).Select(p => p.Id).ToList();
        if (defaults.Count != 1)
            problems.Add(plansDir, "", defaults.Count == 0
                ? "no plan has \"default: true\"; exactly one must (it is used when a request names no plan)"
                : $"several plans have \"default: true\" ({string.Join(", ", defaults)}); exactly one must");

        var orderCodes = LoadOrderCodes(roots, problems);

        if (problems.Any) return (null, problems.Errors);
        return (new PolicyCatalogue(policies, plans, facts!, Digest(roots)) { OrderCodes = orderCodes }, []);
    }

    // ---------------------------------------------------------------- clinical facts

    /// <summary>
    /// The catalogue's clinical facts: the shared file, then each policy folder's own facts.yaml (a policy may
    /// define the facts its criteria read). One namespace: a name defined twice, anywhere, is an error.
    /// </summary>
    private static FactDefinitions? LoadFacts(IEnumerable<string> files, Problems problems)
    {
        var definitions = new List<FactDefinition>();
        var broken = false;
        var paths = new Dictionary<string, (FileProblems At, string Path)>(StringComparer.Ordinal);
        var codings = new Dictionary<(string System, string Code), (string Fact, string Where)>();
        foreach (var file in files)
        {
            var dto = Read<FactsFile>(file, problems);
            if (dto is null)
            {
                broken = true;
                continue;
            }
            LoadFactEntries(problems.In(file), problems.Relative(file), dto, definitions, paths, codings);
        }
        foreach (var definition in definitions.Where(d => d.DerivedFrom is FactDefinitions.TimeSince or FactDefinitions.Count))
        {
            var (at, path) = paths[definition.Name];
            var of = definitions.FirstOrDefault(d => d.Name == definition.Of);
            var wanted = definition.DerivedFrom == FactDefinitions.TimeSince ? FactType.Date : FactType.List;
            if (of is null) at.Add(path + ".of", $"'{definition.Of}' is not a fact of the catalogue");
            else if (of.Type != wanted)
                at.Add(path + ".of", $"'{definition.Of}' is a {of.Type.ToString().ToLowerInvariant()} fact; " +
                    (wanted == FactType.Date ? "time is counted from a date fact" : "a count counts the codes of a list fact"));
            else if (definition.Counting.FirstOrDefault(c => !of.Values.Contains(c, StringComparer.Ordinal)) is { } stray)
                at.Add(path + ".counting", $"'{stray}' is not a value of '{of.Name}' ({string.Join(", ", of.Values)})");
        }
        return broken ? null : new FactDefinitions(definitions);
    }

    private static void LoadFactEntries(
        FileProblems at, string file, FactsFile dto, List<FactDefinition> definitions, Dictionary<string, (FileProblems, string)> paths,
        Dictionary<(string System, string Code), (string Fact, string Where)> codings)
    {
        foreach (var (entry, i) in Indexed(at.Required(dto.Facts, "facts")))
        {
            var path = $"facts[{i}]";
            var name = at.Text(entry.Name, path + ".name");
            if (name is not null && !CamelCase().IsMatch(name)) at.Add(path + ".name", $"'{name}' must be camelCase (it is a JSON property of \"clinical\")");
            var duplicate = name is not null && definitions.Any(d => d.Name == name);
            if (duplicate) at.Add(path + ".name", $"fact '{name}' is defined twice in the catalogue");
            FactType? type = entry.Type switch
            {
                "number" => FactType.Number,
                "boolean" => FactType.Boolean,
                "code" => FactType.Code,
                "date" => FactType.Date,
                "list" => FactType.List,
                null => at.Missing<FactType?>(path + ".type"),
                _ => at.Invalid<FactType?>(path + ".type", $"'{entry.Type}' is not a fact type (number, boolean, code, date, list)"),
            };
            var values = entry.Values ?? [];
            if (type is null) continue; // the checks below depend on the type
            if (type is FactType.Code or FactType.List && values.Count == 0) at.Add(path + ".values", $"a {entry.Type} fact needs its list of values");
            if (type is not (FactType.Code or FactType.List) && values.Count > 0) at.Add(path + ".values", "only code and list facts have values");
            if (values.Distinct(StringComparer.OrdinalIgnoreCase).Count() != values.Count) at.Add(path + ".values", "values repeat (they are matched case-insensitively)");
            if ((entry.Minimum is not null || entry.Maximum is not null) && type != FactType.Number) at.Add(path, "only number facts have a minimum or maximum");
            if (entry.Minimum > entry.Maximum) at.Add(path + ".minimum", "minimum is above maximum");
            if (entry.Counting is not null && entry.DerivedFrom != FactDefinitions.Count) at.Add(path + ".counting", "only a fact derived as count has codes it counts");
            switch (entry.DerivedFrom)
            {
                case null:
                    if (entry.Of is not null) at.Add(path + ".of", "only a fact derived as time-since or count is read from another fact");
                    break;
                case FactDefinitions.AgeOnDateOfService:
                    if (type != FactType.Number) at.Add(path + ".type", "the age derived from the birth date is a number");
                    if (definitions.Any(d => d.DerivedFrom == entry.DerivedFrom))
                        at.Add(path + ".derivedFrom", $"another fact is already derived from {entry.DerivedFrom}");
                    break;
                case FactDefinitions.TimeSince:
                    if (type != FactType.Number) at.Add(path + ".type", "the time since a date is a number");
                    if (entry.Of is null) at.Add(path + ".of", "missing: the date fact the time is counted from");
                    if (entry.Unit is not ("days" or "months" or "years")) at.Add(path + ".unit", "the time since a date is counted in days, months or years");
                    break;
                case FactDefinitions.Count:
                    if (type != FactType.Number) at.Add(path + ".type", "a count is a number");
                    if (entry.Of is null) at.Add(path + ".of", "missing: the list fact whose codes are counted");
                    if (entry.Counting is { Count: 0 }) at.Add(path + ".counting", "leave it out to count every code of the list");
                    break;
                case FactDefinitions.MemberSex:
                    if (type != FactType.Code) at.Add(path + ".type", "the member's sex is a code");
                    if (values.FirstOrDefault(v => !FactDefinitions.Sexes.Contains(v, StringComparer.Ordinal)) is { } sex)
                        at.Add(path + ".values", $"'{sex}' is not a sex a request states ({string.Join(", ", FactDefinitions.Sexes)})");
                    if (entry.Of is not null) at.Add(path + ".of", "the member's sex is read from member.sex");
                    break;
                case FactDefinitions.PlaceOfService:
                    if (type != FactType.Code) at.Add(path + ".type", "a place of service is a code");
                    if (values.FirstOrDefault(v => !CodeFormats.IsPlaceOfService(v)) is { } place)
                        at.Add(path + ".values", $"'{place}' is not a CMS place-of-service code (two digits, such as 11 or 22)");
                    if (entry.Of is not null) at.Add(path + ".of", "the place of service is read from the line or the request");
                    break;
                default:
                    at.Add(path + ".derivedFrom", $"'{entry.DerivedFrom}' is not a derivation the engine knows ({string.Join(", ", FactDefinitions.Derivations)})");
                    break;
            }
            if (entry.Unit is not null && type != FactType.Number) at.Add(path + ".unit", "only number facts have a unit");
            var description = at.Text(entry.Description, path + ".description");
            var documentation = at.Text(entry.Documentation, path + ".documentation");
            var codes = LoadFactCodings(at, file, path, name, entry, codings);
            if (name is null || description is null || documentation is null || duplicate) continue;
            paths[name] = (at, path);
            definitions.Add(new FactDefinition
            {
                Name = name,
                Type = type.Value,
                Description = description,
                Documentation = documentation,
                Unit = entry.Unit,
                Minimum = entry.Minimum,
                Maximum = entry.Maximum,
                Values = values,
                DerivedFrom = entry.DerivedFrom,
                Of = entry.Of,
                Counting = entry.Counting ?? [],
                Codes = codes,
            });
        }
    }

    /// <summary>
    /// The codings that carry a fact in FHIR (facts[i].codes): each an absolute code system URI and a code as FHIR
    /// spells codes; a coding bound to two facts would make a FHIR resource ambiguous, so it is an error naming both.
    /// A derived fact is computed by the engine, never read, so it has no codings.
    /// </summary>
    private static List<FactCoding> LoadFactCodings(
        FileProblems at, string file, string path, string? name, FactEntry entry, Dictionary<(string System, string Code), (string Fact, string Where)> codings)
    {
        var codes = new List<FactCoding>();
        if (entry.Codes is null) return codes;
        if (entry.DerivedFrom is not null && entry.Codes.Count > 0)
        {
            at.Add(path + ".codes", "a derived fact is computed by the engine, never read from a request, so it has no codings");
            return codes;
        }
        foreach (var (coding, j) in Indexed(entry.Codes))
        {
            var cpath = $"{path}.codes[{j}]";
            var system = at.Text(coding.System, cpath + ".system");
            var code = coding.Code;
            if (string.IsNullOrEmpty(code)) at.Add(cpath + ".code", "missing");
            else if (!FhirCode().IsMatch(code)) { at.Add(cpath + ".code", $"'{code}' is not a FHIR code (no leading, trailing or repeated whitespace)"); code = null; }
            if (system is not null && (system != coding.System || !Uri.TryCreate(system, UriKind.Absolute, out var uri) || system.Any(char.IsWhiteSpace)
                || uri.Scheme is not ("http" or "https" or "urn") || uri.Fragment.Length > 0 || system.Contains('|', StringComparison.Ordinal)))
            {
                at.Add(cpath + ".system", $"'{coding.System}' is not a code system URI (an absolute http(s) URL or a urn, without '|' or a fragment)");
                system = null;
            }
            if (coding.Display is not null && string.IsNullOrWhiteSpace(coding.Display)) at.Add(cpath + ".display", "empty; leave it out or give the code's display");
            if (system is null || string.IsNullOrEmpty(code) || name is null) continue;
            var where = $"{file} {cpath}";
            if (codings.TryGetValue((system, code), out var bound))
            {
                at.Add(cpath, bound.Fact == name
                    ? $"{system}|{code} is bound to '{name}' twice"
                    : $"{system}|{code} is already bound to fact '{bound.Fact}' ({bound.Where}); a coding carries one fact");
                continue;
            }
            codings[(system, code)] = (name, where);
            codes.Add(new FactCoding(system, code, coding.Display?.Trim()));
        }
        return codes;
    }

    /// <summary>FHIR's code datatype: no leading or trailing whitespace, single spaces inside (<c>\z</c>: <c>$</c> would let a final line break through).</summary>
    [GeneratedRegex(@"^[^\s]+( [^\s]+)*\z")]
    private static partial Regex FhirCode();

    // ---------------------------------------------------------------- catalogues that extend others

    /// <summary>A catalogue folder's optional manifest: "extends: PATH" names the catalogue it adds policies and plans to.</summary>
    public const string ManifestFileName = "catalogue.yaml";

    /// <summary>
    /// The folders the catalogue is read from, the base first: the root, or (when its catalogue.yaml extends
    /// another catalogue) that catalogue's folders and then the root. The root of an extension may leave out
    /// plans; every root needs a policies folder, and only the base one holds clinical-facts.yaml.
    /// </summary>
    private static List<string> Roots(string root, Problems problems)
    {
        var roots = new List<string>();
        var current = Path.GetFullPath(root);
        while (true)
        {
            if (roots.Contains(current, StringComparer.Ordinal))
            {
                problems.Add(Path.Combine(current, ManifestFileName), "extends", "the catalogues extend each other in a circle");
                break;
            }
            roots.Insert(0, current);
            if (!CatalogueDisk.FolderExists(Path.Combine(current, "policies"))) problems.Add(Path.Combine(current, "policies"), "", "no policies folder here");
            var manifest = Path.Combine(current, ManifestFileName);
            if (!CatalogueDisk.FileExists(manifest)) break;
            var dto = Read<ManifestFile>(manifest, problems);
            if (dto?.Extends is not { } extends)
            {
                if (dto is not null) problems.Add(manifest, "extends", "missing: the folder of the catalogue this one adds to");
                break;
            }
            var base_ = Path.GetFullPath(Path.Combine(current, extends));
            if (!CatalogueDisk.FolderExists(base_))
            {
                problems.Add(manifest, "extends", $"'{extends}' is not a folder");
                break;
            }
            current = base_;
        }
        if (!problems.Any && !CatalogueDisk.FolderExists(Path.Combine(roots[0], "plans"))) problems.Add(Path.Combine(roots[0], "plans"), "", "no plans folder here");
        return roots;
    }

    // ---------------------------------------------------------------- policies

    /// <summary>
    /// Policies that list the same code are consulted in order of precedence (lower first); two of them with the
    /// same precedence would leave the order to the folder names, so that is an error naming both.
    /// </summary>
    private static void CheckPrecedence(List<string> policyDirs, List<CoveragePolicy> policies, Problems problems)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var policy in policies)
            foreach (var other in policies)
            {
                if (string.CompareOrdinal(policy.Id, other.Id) >= 0 || policy.Precedence != other.Precedence) continue;
                var shared = policy.Codes.Keys.Intersect(other.Codes.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (shared.Count == 0 || !seen.Add((policy.Id, other.Id))) continue;
                problems.Add(FileOf(policyDirs, other.Id), "precedence",
                    $"policies {policy.Id} and {other.Id} both list {string.Join(", ", shared)} and have the same precedence ({policy.Precedence}); " +
                    "give each its own (lower is consulted first), so that the folder order does not decide");
            }
    }

    /// <summary>A stand-in names a policy of the catalogue and one of that policy's related resources, by its title.</summary>
    private static void CheckStandIns(List<string> policyDirs, List<CoveragePolicy> policies, Problems problems)
    {
        foreach (var policy in policies)
            foreach (var (standIn, i) in Indexed(policy.StandsFor))
            {
                var other = policies.FirstOrDefault(p => p.Id == standIn.PolicyId);
                if (other is null)
                    problems.Add(FileOf(policyDirs, policy.Id), $"standsFor[{i}].policy", $"'{standIn.PolicyId}' is not a policy of the catalogue ({Known(policies.Select(p => p.Id))})");
                else if (other.RelatedResources.All(r => r.Title != standIn.Resource))
                    problems.Add(FileOf(policyDirs, policy.Id), $"standsFor[{i}].resource",
                        $"'{standIn.Resource}' is not a related resource of policy {other.Id} ({string.Join("; ", other.RelatedResources.Select(r => r.Title))})");
            }
    }

    private static string FileOf(List<string> policyDirs, string id) =>
        policyDirs.FirstOrDefault(d => Path.GetFileName(d) == id || Path.GetFileName(d).StartsWith(id + "-", StringComparison.Ordinal)) is { } dir
            ? Path.Combine(dir, "policy.yaml")
            : id;

    private static CoveragePolicy? LoadPolicy(string dir, FactDefinitions? facts, Problems problems)
    {
        var file = Path.Combine(dir, "policy.yaml");
        if (!CatalogueDisk.FileExists(file))
        {
            problems.Add(dir, "", "a policy folder needs a policy.yaml");
            return null;
        }
        var dto = Read<PolicyFile>(file, problems);
        // The evidence and its numbered references are optional: a criteria-based policy may publish none.
        var referencesFile = Path.Combine(dir, "references.yaml");
        var evidenceFile = Path.Combine(dir, "evidence.yaml");
        var referencesDto = CatalogueDisk.FileExists(referencesFile) ? Read<ReferencesFile>(referencesFile, problems) : new ReferencesFile { References = [] };
        var evidenceDto = CatalogueDisk.FileExists(evidenceFile) ? Read<EvidenceFile>(evidenceFile, problems) : null;
        if (dto is null || referencesDto is null || (evidenceDto is null && CatalogueDisk.FileExists(evidenceFile))) return null;

        var at = problems.In(file);
        var before = problems.Count;
        var draft = dto.Status == DraftStatus;
        if (dto.Status is not null && !draft) at.Add("status", $"'{dto.Status}' is not a status a policy file has (leave it out, or \"{DraftStatus}\" for an imported draft)");
        if (draft && !problems.ReadingDraft)
            at.Add("status", "the policy is a draft imported from a document and cannot decide a case: complete what " +
                "'coverage policy validate FOLDER' lists for it, then remove \"status: draft\"");
        var id = at.Text(dto.Id, "id");
        var folder = Path.GetFileName(dir);
        if (id is not null && folder != id && !folder.StartsWith(id + "-", StringComparison.Ordinal))
            at.Add("id", $"policy id '{id}' does not match its folder '{folder}' (name the folder '{id}-<title words>')");
        var title = at.Text(dto.Title, "title");
        var publisher = dto.Publisher is null ? at.Gap<string>("publisher", "missing: who publishes the policy") : at.Text(dto.Publisher, "publisher");
        var effectiveDate = dto.EffectiveDate is null ? at.Gap<DateOnly?>("effectiveDate", "missing (a date, YYYY-MM-DD)") : at.Date(dto.EffectiveDate, "effectiveDate");
        var nextReview = dto.NextReviewDate is null ? at.Gap<DateOnly?>("nextReviewDate", "missing (a date, YYYY-MM-DD)") : at.Date(dto.NextReviewDate, "nextReviewDate");
        if (effectiveDate is not null && nextReview is not null && nextReview <= effectiveDate)
            at.Add("nextReviewDate", "the next review date must come after the effective date");

        var texts = LoadTexts(at, dto.Text);
        var modalities = LoadModalities(at, dto.Modalities);
        var unspecified = Terms(at, dto.UnspecifiedProcedureTerms ?? [], "unspecifiedProcedureTerms");
        var serviceKind = dto.ServiceKind is null ? CoveragePolicy.DefaultServiceKind : at.Text(dto.ServiceKind, "serviceKind");
        if (serviceKind is not null && !ServiceKindPattern().IsMatch(serviceKind))
            at.Add("serviceKind", $"'{serviceKind}' must be lower-case words (such as ablation, or infusion therapy): it is said inside sentences");
        var (condition, indications) = LoadIndications(at, dto.Condition, dto.Indications);
        var codes = LoadCodes(at, dto.Codes, modalities);
        var versions = LoadVersions(at, dto.Versions, modalities, codes, new RuleContext(indications, facts, texts, HasCondition: condition is not null));
        if (versions.Count > 0 && effectiveDate is not null && versions[^1].Effective != effectiveDate)
            at.Add("effectiveDate", $"the policy's effective date {effectiveDate:yyyy-MM-dd} is not that of its latest version ({versions[^1].Version})");
        if (versions.Count > 0 && nextReview is not null && nextReview <= versions[^1].Effective)
            at.Add("nextReviewDate", "the next review date must come after the latest version");
        var related = LoadRelatedResources(at, dto.RelatedResources);
        CheckTermsAreUnambiguous(at, modalities, related, unspecified);
        CheckTermCapacity(at, modalities, related, unspecified);
        var devices = LoadDevices(at, dto.FdaDevices, modalities, facts);

        var references = LoadReferences(problems.In(referencesFile), referencesDto);
        var (background, evidence) = evidenceDto is null
            ? (null, new Dictionary<string, EvidenceSummary>(StringComparer.Ordinal))
            : LoadEvidence(problems.In(evidenceFile), evidenceDto, modalities, references);

        if (problems.Count > before || texts is null || (indications.Count == 0 && !problems.ReadingDraft)
            || (evidenceDto is not null && background is null)) return null;
        // Read as a draft, what the gaps name is left empty (default): the draft is listed and compared, never evaluated.
        return new CoveragePolicy
        {
            Id = id!,
            Title = title!,
            Publisher = publisher ?? "",
            EffectiveDate = effectiveDate ?? default,
            NextReviewDate = nextReview ?? default,
            Precedence = dto.Precedence ?? 0,
            StandsFor = [.. (dto.StandsFor ?? []).Select((x, i) => new StandIn(
                at.Text(x.Policy, $"standsFor[{i}].policy") ?? "", at.Text(x.Resource, $"standsFor[{i}].resource") ?? ""))],
            Texts = texts,
            Versions = versions,
            Modalities = modalities,
            Codes = codes,
            Condition = condition,
            Indications = indications,
            UnspecifiedProcedureTerms = unspecified,
            ServiceKind = serviceKind ?? CoveragePolicy.DefaultServiceKind,
            RelatedResources = related,
            FdaDevices = devices,
            References = references,
            Background = background,
            Evidence = evidence,
        };
    }

    private static PolicyTexts? LoadTexts(FileProblems at, Dictionary<string, TextEntry>? entries)
    {
        if (entries is null)
        {
            at.Gap("text", "missing: the verbatim passages determinations cite, by key (at least overview; " +
                "instructionsForUse, codeValidity, diagnosisCoding, relatedResources and fdaNote are cited where the policy has them)");
            return at.ReadingDraft ? new PolicyTexts { Overview = new PolicyText("", "") } : null;
        }
        var all = new Dictionary<string, PolicyText>(StringComparer.Ordinal);
        foreach (var (key, entry) in entries)
        {
            if (!CamelCase().IsMatch(key)) at.Add("text." + key, "a passage key is camelCase (statements cite it by this key)");
            if (Passage(at, entry, "text." + key) is { } passage) all[key] = passage;
        }
        if (!entries.ContainsKey("overview")) at.Gap("text.overview", "missing: what the policy addresses, which a line it does not decide cites");
        if (!all.TryGetValue("overview", out var overview))
        {
            if (!at.ReadingDraft || entries.ContainsKey("overview")) return null;
            overview = new PolicyText("", "");
        }
        return new PolicyTexts
        {
            Overview = overview,
            InstructionsForUse = all.GetValueOrDefault("instructionsForUse"),
            CodeValidity = all.GetValueOrDefault("codeValidity"),
            DiagnosisCoding = all.GetValueOrDefault("diagnosisCoding"),
            RelatedResources = all.GetValueOrDefault("relatedResources"),
            FdaNote = all.GetValueOrDefault("fdaNote"),
            All = all,
        };
    }

    private static PolicyText? Passage(FileProblems at, TextEntry? entry, string path)
    {
        if (entry is null)
        {
            at.Add(path, "missing");
            return null;
        }
        var section = at.Text(entry.Section, path + ".section");
        var text = at.Text(entry.Text, path + ".text");
        return section is null || text is null ? null : new PolicyText(section, text);
    }

    private static Dictionary<string, Modality> LoadModalities(FileProblems at, List<ModalityEntry>? entries)
    {
        var modalities = new Dictionary<string, Modality>(StringComparer.Ordinal);
        if (entries is null) at.Gap("modalities", "missing: the services (modalities) the policy addresses, each with the synonyms that recognise it in descriptions");
        foreach (var (entry, i) in Indexed(entries ?? []))
        {
            var path = $"modalities[{i}]";
            var id = at.Id(entry.Id, path + ".id");
            var name = at.Text(entry.Name, path + ".name");
            var synonyms = entry.Synonyms ?? [];
            if (synonyms.Count == 0) at.Gap(path + ".synonyms", "a modality needs at least one synonym to be recognised in descriptions");
            if (id is null || name is null) continue;
            if (!modalities.TryAdd(id, new Modality { Id = id, Name = name, Synonyms = Terms(at, synonyms, path + ".synonyms") }))
                at.Add(path + ".id", $"modality '{id}' is defined twice");
        }
        return modalities;
    }

    /// <summary>
    /// What the policy is about: one condition (0540), or several indications that statements name by id.
    /// Either way the result lists every indication; a single condition is the indication "condition".
    /// </summary>
    private static (DiagnosisValueSet? Condition, List<Indication> Indications) LoadIndications(
        FileProblems at, ConditionEntry? condition, List<IndicationEntry>? indications)
    {
        if (condition is not null && indications is not null)
        {
            at.Add("indications", "write either condition (one) or indications (several), not both");
            return (null, []);
        }
        if (condition is null && indications is null)
        {
            at.Gap("condition", "missing: the condition the policy is about (condition), or its indications (indications), as ICD-10-CM diagnoses");
            return (null, []);
        }
        if (condition is not null)
        {
            var name = at.Text(condition.Name, "condition.name");
            var set = ValueSet(at, name, condition.Diagnoses, "condition.diagnoses");
            return set is null ? (null, []) : (set, [new Indication("condition", set)]);
        }
        var list = new List<Indication>();
        foreach (var (entry, i) in Indexed(indications!))
        {
            var path = $"indications[{i}]";
            var id = at.Id(entry.Id, path + ".id");
            var name = at.Text(entry.Name, path + ".name");
            var set = ValueSet(at, name, entry.Diagnoses, path + ".diagnoses");
            if (id is null || set is null) continue;
            if (list.Any(x => x.Id == id)) at.Add(path + ".id", $"indication '{id}' is defined twice");
            else list.Add(new Indication(id, set));
        }
        if (indications!.Count == 0) at.Add("indications", "a policy names at least one indication");
        return (null, list);
    }

    private static DiagnosisValueSet? ValueSet(FileProblems at, string? name, List<string>? diagnoses, string path)
    {
        var prefixes = new List<string>();
        var codes = new List<string>();
        foreach (var (diagnosis, i) in Indexed(at.Required(diagnoses, path)))
        {
            if (diagnosis.EndsWith(".*", StringComparison.Ordinal) && CodeFormats.IsIcd10CategoryPrefix(diagnosis[..^2]))
                prefixes.Add(CodeFormats.NormaliseIcd10(diagnosis[..^2]));
            else if (CodeFormats.IsIcd10Cm(diagnosis))
                codes.Add(CodeFormats.NormaliseIcd10(diagnosis));
            else
                at.Add($"{path}[{i}]", $"'{diagnosis}' is neither an ICD-10-CM code (C79.81) nor a category with a wildcard (C50.*)");
        }
        if (diagnoses is { Count: 0 }) at.Add(path, "a value set needs at least one diagnosis");
        if (name is null) return null;
        return new DiagnosisValueSet
        {
            Name = name,
            Prefixes = prefixes,
            Codes = codes,
            Display = string.Join(", ", diagnoses ?? []),
        };
    }

    private static Dictionary<string, ProcedureCode> LoadCodes(
        FileProblems at, List<CodeEntry>? entries, IReadOnlyDictionary<string, Modality> modalities)
    {
        var codes = new Dictionary<string, ProcedureCode>(StringComparer.Ordinal);
        if (entries is null) at.Gap("codes", "missing: the procedure codes the policy lists");
        foreach (var (entry, i) in Indexed(entries ?? []))
        {
            var path = $"codes[{i}]";
            var code = at.Text(entry.Code, path + ".code");
            if (code is not null && !CodeFormats.IsProcedureCode(code))
                at.Add(path + ".code", $"'{code}' is not a CPT or HCPCS code (five characters: 12345, 1234F, 1234T, 1234U or A1234)");
            var system = entry.System;
            if (system is not ("CPT" or "HCPCS")) at.Add(path + ".system", system is null ? "missing (CPT or HCPCS)" : $"'{system}' is not CPT or HCPCS");
            var description = at.Text(entry.Description, path + ".description");
            if (entry.Unlisted && entry.Modality is not null)
                at.Add(path + ".modality", "an unlisted code takes its modality from the line's description; it cannot name one");
            if (!entry.Unlisted && entry.Modality is null)
                at.Gap(path + ".modality", "missing: a listed code names its modality (or say \"unlisted: true\")");
            if (entry.Modality is not null && !modalities.ContainsKey(entry.Modality))
                at.Add(path + ".modality", $"'{entry.Modality}' is not a modality of this policy ({Known(modalities.Keys)})");
            if (entry.NamesCondition is null) at.Gap(path + ".namesCondition", "missing: does the code's descriptor name the policy's condition (true or false)?");
            var validity = LoadValidity(at, entry.Validity, path + ".validity");
            if (at.ReadingDraft && entry.Validity is null) validity = new CodeValidity(null, null, "");
            if (code is null || description is null || system is null || validity is null || (entry.NamesCondition is null && !at.ReadingDraft)) continue;
            var normalised = code.ToUpperInvariant();
            if (!codes.TryAdd(normalised, new ProcedureCode
            {
                Code = normalised,
                System = system,
                Description = description,
                Unlisted = entry.Unlisted,
                Modality = entry.Modality,
                NamesCondition = entry.NamesCondition ?? false,
                Validity = validity,
            }))
                at.Add(path + ".code", $"code {normalised} is listed twice");
        }
        return codes;
    }

    private static CodeValidity? LoadValidity(FileProblems at, ValidityEntry? entry, string path)
    {
        if (entry is null)
        {
            at.Gap(path, "missing: when the code may be reported, with the source of those dates");
            return null;
        }
        var from = entry.From is null ? null : at.Date(entry.From, path + ".from");
        var to = entry.To is null ? null : at.Date(entry.To, path + ".to");
        if (from is not null && to is not null && to < from) at.Add(path + ".to", "the code's validity ends before it begins");
        var source = at.Text(entry.Source, path + ".source");
        return source is null ? null : new CodeValidity(from, to, source);
    }

    private static List<PolicyVersion> LoadVersions(
        FileProblems at,
        List<VersionEntry>? entries,
        IReadOnlyDictionary<string, Modality> modalities,
        IReadOnlyDictionary<string, ProcedureCode> codes,
        RuleContext context)
    {
        var versions = new List<PolicyVersion>();
        foreach (var (entry, i) in Indexed(at.Required(entries, "versions")))
        {
            var path = $"versions[{i}]";
            var effective = at.Date(entry.Effective, path + ".effective");
            if (effective is not null && versions.Count > 0 && effective <= versions[^1].Effective)
                at.Add(path + ".effective", "versions must be listed oldest first, each effective after the one before");
            var reviewType = entry.ReviewType is null ? at.Gap<string>(path + ".reviewType", "missing: the kind of review that made this version") : at.Text(entry.ReviewType, path + ".reviewType");
            var changes = entry.Changes is null ? at.Gap<string>(path + ".changes", "missing: what this version changed") : at.Text(entry.Changes, path + ".changes");
            var inScope = new HashSet<string>(StringComparer.Ordinal);
            if (entry.Modalities is null) at.Gap(path + ".modalities", "missing: the modalities in this version's scope");
            foreach (var (modality, j) in Indexed(entry.Modalities ?? []))
            {
                if (!modalities.ContainsKey(modality))
                    at.Add($"{path}.modalities[{j}]", $"'{modality}' is not a modality this policy defines ({Known(modalities.Keys)})");
                else if (!inScope.Add(modality))
                    at.Add($"{path}.modalities[{j}]", $"'{modality}' is listed twice");
            }
            var listed = new List<string>();
            if (entry.Codes is null) at.Gap(path + ".codes", "missing: the codes in this version's scope");
            foreach (var (code, j) in Indexed(entry.Codes ?? []))
            {
                var normalised = code.ToUpperInvariant();
                if (!codes.TryGetValue(normalised, out var definition))
                    at.Add($"{path}.codes[{j}]", $"code '{code}' is not defined under codes ({Known(codes.Keys)})");
                else if (definition.Modality is not null && !inScope.Contains(definition.Modality))
                    at.Add($"{path}.codes[{j}]", $"code {code} is {definition.Modality}, which this version does not list among its modalities");
                else if (listed.Contains(normalised))
                    at.Add($"{path}.codes[{j}]", $"code {code} is listed twice");
                else
                    listed.Add(normalised);
            }
            CoverageStatement? statement = null;
            List<CoverageRule>? rules = null;
            if (entry.CoverageStatement is not null && entry.Statements is not null)
                at.Add(path, "write either coverageStatement (one statement for every line in scope) or statements (an ordered list), not both");
            else if (entry.Statements is not null)
                rules = LoadRules(at, entry.Statements, path + ".statements", inScope, listed, context);
            else if (entry.CoverageStatement is null)
                at.Gap(path + ".coverageStatement", "missing: the version's coverage statement (coverageStatement), or its statements (statements)");
            else
                statement = LoadStatement(at, entry.CoverageStatement, path + ".coverageStatement", context.HasCondition, context.Indications.Count > 0);
            if (effective is null || (!at.ReadingDraft && (reviewType is null || changes is null || (statement is null && rules is null)))) continue;
            versions.Add(new PolicyVersion
            {
                Version = effective.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Effective = effective.Value,
                ReviewType = reviewType ?? "",
                Changes = changes ?? "",
                Modalities = inScope,
                Codes = listed,
                Statement = statement,
                Rules = rules ?? [],
            });
        }
        if (entries is { Count: 0 }) at.Add("versions", "a policy needs at least one version");
        return versions;
    }

    /// <summary>
    /// The single coverage statement of 0540's form: one finding for every line in scope, about the policy's one
    /// condition, medically necessary or not (its FDA label and evidence steps know no other). A policy of several
    /// indications, or a finding of investigational or not covered, is written as statements.
    /// </summary>
    private static CoverageStatement? LoadStatement(FileProblems at, StatementEntry? entry, string path, bool hasCondition, bool namesIndications)
    {
        if (entry is null)
        {
            at.Add(path, "missing: the version's coverage statement (coverageStatement), or its statements (statements)");
            return null;
        }
        if (!hasCondition && namesIndications)
            at.Add(path, "a single coverageStatement is about the policy's one condition, and this policy names indications: write the version's statements (statements) instead");
        else if (!hasCondition)
            at.Gap(path, "a single coverageStatement is about the policy's one condition, and this policy names none yet: give it (condition)");
        var section = at.Text(entry.Section, path + ".section");
        var text = at.Text(entry.Text, path + ".text");
        var determination = Determination(at, entry.Determination, path + ".determination");
        if (determination is StatementDetermination.ExperimentalInvestigationalUnproven or StatementDetermination.NotCovered)
        {
            at.Add(path + ".determination", $"a single coverageStatement finds a service medically necessary or not; write '{entry.Determination}' as a statement (statements)");
            return null;
        }
        return section is null || text is null || determination is null ? null : new CoverageStatement(section, text, determination.Value);
    }

    private static List<RelatedResource> LoadRelatedResources(FileProblems at, List<RelatedResourceEntry>? entries)
    {
        var resources = new List<RelatedResource>();
        foreach (var (entry, i) in Indexed(entries ?? []))
        {
            var title = at.Text(entry.Title, $"relatedResources[{i}].title");
            if (title is null) continue;
            resources.Add(new RelatedResource
            {
                Title = title,
                MatchTerms = Terms(at, entry.MatchTerms ?? [], $"relatedResources[{i}].matchTerms"),
                Note = entry.Note,
                PolicyId = entry.Policy is null ? null : at.Text(entry.Policy, $"relatedResources[{i}].policy"),
            });
        }
        return resources;
    }

    /// <summary>
    /// Terms in the form descriptions are matched in (<see cref="TermText"/>). A term that is not plain text is a
    /// problem: descriptions are read as plain text (<see cref="DescriptionText"/>), so it could never match.
    /// </summary>
    private static List<string> Terms(FileProblems at, IEnumerable<string> terms, string path)
    {
        var texts = new List<string>();
        foreach (var (term, i) in Indexed(terms))
        {
            if (DescriptionText.Read(term).Problem is { } problem) at.Add($"{path}[{i}]", $"the term '{term}' is not plain text: it {problem}");
            texts.Add(TermText(term));
        }
        return texts;
    }

    /// <summary>
    /// The evaluator classifies descriptions with one bit per term (<see cref="Evaluation.DescriptionClassifier.MaxTerms"/>):
    /// a policy with more terms is refused here, with the count, instead of failing every determination later.
    /// </summary>
    private static void CheckTermCapacity(
        FileProblems at, IReadOnlyDictionary<string, Modality> modalities, List<RelatedResource> related, List<string> unspecified)
    {
        var count = modalities.Values.Sum(m => m.Synonyms.Count) + related.Sum(r => r.MatchTerms.Count) + unspecified.Count;
        if (count > Evaluation.DescriptionClassifier.MaxTerms)
            at.Add("modalities", $"the policy defines {count} description terms (modality synonyms, related resources' match terms, unspecified procedure terms); " +
                $"the engine classifies descriptions with at most {Evaluation.DescriptionClassifier.MaxTerms}");
    }

    /// <summary>One term must never point at two things, or a description could be read two ways.</summary>
    private static void CheckTermsAreUnambiguous(
        FileProblems at, IReadOnlyDictionary<string, Modality> modalities, List<RelatedResource> related, List<string> unspecified)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        void Claim(string term, string owner, string path)
        {
            if (term.Length == 0) at.Add(path, "an empty term would match every description");
            else if (owners.TryGetValue(term, out var other) && other != owner)
                at.Add(path, $"the term '{term}' names both {other} and {owner}");
            else owners[term] = owner;
        }
        foreach (var (modality, i) in Indexed(modalities.Values))
            foreach (var (term, j) in Indexed(modality.Synonyms)) Claim(term, $"modality {modality.Id}", $"modalities[{i}].synonyms[{j}]");
        foreach (var (resource, i) in Indexed(related))
            foreach (var (term, j) in Indexed(resource.MatchTerms)) Claim(term, $"related resource '{resource.Title}'", $"relatedResources[{i}].matchTerms[{j}]");
        foreach (var (term, j) in Indexed(unspecified)) Claim(term, "an unspecified procedure", $"unspecifiedProcedureTerms[{j}]");
    }

    private static List<FdaDevice> LoadDevices(
        FileProblems at, List<FdaDeviceEntry>? entries, IReadOnlyDictionary<string, Modality> modalities, FactDefinitions? facts)
    {
        var devices = new List<FdaDevice>();
        foreach (var (entry, i) in Indexed(entries ?? []))
        {
            var path = $"fdaDevices[{i}]";
            var id = at.Id(entry.Id, path + ".id");
            var name = at.Text(entry.Name, path + ".name");
            var manufacturer = at.Text(entry.Manufacturer, path + ".manufacturer");
            var authorization = at.Text(entry.Authorization, path + ".authorization");
            var pathway = entry.Pathway is null ? at.Gap<string>(path + ".pathway", "missing: the FDA pathway (510(k), De Novo, PMA)") : at.Text(entry.Pathway, path + ".pathway");
            var decisionDate = at.Date(entry.DecisionDate, path + ".decisionDate");
            var productCode = at.Text(entry.ProductCode, path + ".productCode");
            var deviceClass = entry.DeviceClass is null ? at.Gap<string>(path + ".deviceClass", "missing: the device class") : at.Text(entry.DeviceClass, path + ".deviceClass");
            var indication = entry.Indication is null ? at.Gap<string>(path + ".indication", "missing: the indication for use, verbatim") : at.Text(entry.Indication, path + ".indication");
            var lowRisk = entry.LowRiskDefinition?.Trim();
            var deviceModalities = new HashSet<string>(StringComparer.Ordinal);
            if (entry.Modalities is null) at.Gap(path + ".modalities", "missing: the modalities the device is used for");
            foreach (var (modality, j) in Indexed(entry.Modalities ?? []))
            {
                if (!modalities.ContainsKey(modality)) at.Add($"{path}.modalities[{j}]", $"'{modality}' is not a modality of this policy ({Known(modalities.Keys)})");
                else if (!deviceModalities.Add(modality)) at.Add($"{path}.modalities[{j}]", $"'{modality}' is listed twice");
            }
            var criteria = new List<FdaCriterion>();
            if (entry.Criteria is null) at.Gap(path + ".criteria", "missing: the criteria of the device's indication, each a condition on facts");
            foreach (var (criterion, j) in Indexed(entry.Criteria ?? []))
            {
                var cpath = $"{path}.criteria[{j}]";
                var cid = at.Id(criterion.Id, cpath + ".id");
                if (cid is not null && criteria.Any(c => c.Id == cid)) at.Add(cpath + ".id", $"criterion '{cid}' is defined twice");
                var text = at.Text(criterion.Text, cpath + ".text");
                var source = at.Text(criterion.Source, cpath + ".source");
                var condition = LoadFactCondition(at, criterion.When, cpath + ".when", facts);
                if (cid is not null && text is not null && source is not null && condition is not null)
                    criteria.Add(new FdaCriterion(cid, text, source, condition));
            }
            if (entry.Criteria is { Count: 0 }) at.Add(path + ".criteria", "a device needs at least one criterion of its indication; with none every patient would be on-label");
            var limitations = entry.Limitations ?? [];
            if (id is null || name is null || manufacturer is null || authorization is null || decisionDate is null || productCode is null
                || (!at.ReadingDraft && (pathway is null || deviceClass is null || indication is null))) continue;
            devices.Add(new FdaDevice
            {
                Id = id,
                Name = name,
                Manufacturer = manufacturer,
                Authorization = authorization,
                Pathway = pathway ?? "",
                DecisionDate = decisionDate.Value,
                ProductCode = productCode,
                DeviceClass = deviceClass ?? "",
                Modalities = deviceModalities,
                Indication = indication ?? "",
                LowRiskDefinition = lowRisk,
                Criteria = criteria,
                Limitations = limitations,
            });
        }
        foreach (var modality in modalities.Keys)
            if (devices.Count(d => d.Modalities.Contains(modality)) > 1)
                at.Add("fdaDevices", $"several devices claim {modality}; the engine assesses one device per modality");
        return devices;
    }

    private static FactCondition? LoadFactCondition(FileProblems at, FactConditionEntry? entry, string path, FactDefinitions? facts)
    {
        if (entry is null)
        {
            at.Add(path, "missing: the condition on clinical facts");
            return null;
        }
        var forms = new object?[] { entry.AnyOf, entry.AllOf, entry.NoneOf, entry.DiagnosisIn, entry.Fact }.Count(x => x is not null);
        if (forms != 1)
        {
            at.Add(path, "write exactly one of: fact (with a comparison), anyOf, allOf, noneOf, diagnosisIn");
            return null;
        }
        if (entry.DiagnosisIn is not null)
        {
            var set = ValueSet(at, "diagnoses", entry.DiagnosisIn, path + ".diagnosisIn");
            return set is null ? null : new DiagnosisIn(set with { Name = set.Display });
        }
        if (entry.AnyOf is not null || entry.AllOf is not null || entry.NoneOf is not null)
        {
            var parts = (entry.AnyOf ?? entry.AllOf ?? entry.NoneOf)!;
            var key = entry.AnyOf is not null ? "anyOf" : entry.AllOf is not null ? "allOf" : "noneOf";
            if (parts.Count < (key == "noneOf" ? 1 : 2)) at.Add($"{path}.{key}", key == "noneOf" ? "needs at least one condition" : "needs at least two conditions");
            var conditions = parts.Select((p, i) => LoadFactCondition(at, p, $"{path}.{key}[{i}]", facts)).ToList();
            if (conditions.Any(c => c is null)) return null;
            return key switch
            {
                "anyOf" => new AnyOf(conditions!),
                "allOf" => new AllOf(conditions!),
                _ => new NoneOf(conditions!),
            };
        }

        var comparisons = new (Comparison Kind, object? Value)[]
        {
            (Comparison.EqualTo, entry.EqualTo), (Comparison.AtLeast, entry.AtLeast), (Comparison.AtMost, entry.AtMost),
            (Comparison.LessThan, entry.LessThan), (Comparison.GreaterThan, entry.GreaterThan),
        }.Where(c => c.Value is not null).ToList();
        if (comparisons.Count != 1)
        {
            at.Add(path, "a fact condition needs exactly one comparison: equals, atLeast, atMost, lessThan or greaterThan");
            return null;
        }
        var definition = facts?.Find(entry.Fact!);
        if (definition is null)
        {
            if (facts is not null) at.Add(path + ".fact", $"'{entry.Fact}' is not a clinical fact of the catalogue ({FactsFileName}, or a policy's {PolicyFactsFileName})");
            return null;
        }
        var (kind, raw) = comparisons[0];
        if (definition.Type == FactType.List)
        {
            at.Add(path, $"'{entry.Fact}' is a list fact; criteria read it through a fact derived as count of it");
            return null;
        }
        if (kind != Comparison.EqualTo)
        {
            if (definition.Type != FactType.Number)
            {
                at.Add(path, $"'{entry.Fact}' is a {definition.Type.ToString().ToLowerInvariant()} fact; only number facts compare by size" +
                    (definition.Type == FactType.Date ? " (compare the time since a date: a fact derived as time-since)" : ""));
                return null;
            }
            return new FactComparison(definition.Name, kind, FactValue.Of((double)raw!));
        }
        var text = (string)raw!;
        FactValue? value = definition.Type switch
        {
            FactType.Boolean when text is "true" or "false" => FactValue.Of(text == "true"),
            FactType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => FactValue.Of(n),
            FactType.Code when definition.Values.Contains(text, StringComparer.Ordinal) => FactValue.OfCode(text),
            _ => null,
        };
        if (value is null)
        {
            var expected = definition.Type switch
            {
                FactType.Boolean => "true or false",
                FactType.Number => "a number",
                _ => "one of " + string.Join(", ", definition.Values),
            };
            at.Add(path + ".equals", $"'{text}' is not a value of '{entry.Fact}' ({expected})");
            return null;
        }
        return new FactComparison(definition.Name, kind, value.Value);
    }

    private static Dictionary<int, PolicyReferenceEntry> LoadReferences(FileProblems at, ReferencesFile dto)
    {
        var references = new Dictionary<int, PolicyReferenceEntry>();
        foreach (var (entry, i) in Indexed(at.Required(dto.References, "references")))
        {
            var path = $"references[{i}]";
            if (entry.Number != i + 1) at.Add(path + ".number", $"references are numbered 1, 2, 3… as in the policy; expected {i + 1}");
            var shortForm = entry.Short is null ? at.Gap<string>(path + ".short", "missing: how the policy's text cites it (Author, et al., year)") : at.Text(entry.Short, path + ".short");
            var citation = at.Text(entry.Citation, path + ".citation");
            if (entry.Number is null || citation is null || (shortForm is null && !at.ReadingDraft)) continue;
            references[entry.Number.Value] = new PolicyReferenceEntry(entry.Number.Value, shortForm ?? "", citation, entry.Url, entry.Note);
        }
        return references;
    }

    private static (EvidenceBackground?, Dictionary<string, EvidenceSummary>) LoadEvidence(
        FileProblems at, EvidenceFile dto, IReadOnlyDictionary<string, Modality> modalities, Dictionary<int, PolicyReferenceEntry> references)
    {
        IReadOnlyList<int> Refs(List<int>? numbers, string path)
        {
            foreach (var (n, i) in Indexed(numbers ?? []))
                if (!references.ContainsKey(n)) at.Add($"{path}[{i}]", $"reference {n} is not in references.yaml" + (references.Count == 0 ? "" : $" ({references.Keys.Min()}–{references.Keys.Max()})"));
            return numbers ?? [];
        }

        EvidenceBackground? background = null;
        if (dto.Background is null) at.Add("background", "missing: the General Background overview");
        else
        {
            var b = dto.Background;
            var section = at.Text(b.Section, "background.section");
            var overview = at.Text(b.Overview, "background.overview");
            var societies = new List<ProfessionalSocietyStatement>();
            foreach (var (s, i) in Indexed(b.ProfessionalSocieties ?? []))
            {
                var organization = at.Text(s.Organization, $"background.professionalSocieties[{i}].organization");
                var statement = at.Text(s.Statement, $"background.professionalSocieties[{i}].statement");
                var refs = Refs(s.References, $"background.professionalSocieties[{i}].references");
                if (organization is not null && statement is not null) societies.Add(new ProfessionalSocietyStatement(organization, statement, refs));
            }
            var backgroundRefs = Refs(b.References, "background.references");
            if (section is not null && overview is not null)
                background = new EvidenceBackground { Section = section, Overview = overview, References = backgroundRefs, ProfessionalSocieties = societies };
        }

        var evidence = new Dictionary<string, EvidenceSummary>(StringComparer.Ordinal);
        foreach (var (entry, i) in Indexed(at.Required(dto.Modalities, "modalities")))
        {
            var path = $"modalities[{i}]";
            var modality = at.Text(entry.Modality, path + ".modality");
            if (modality is not null && !modalities.ContainsKey(modality))
                at.Add(path + ".modality", $"'{modality}' is not a modality of policy.yaml ({Known(modalities.Keys)})");
            var section = at.Text(entry.Section, path + ".section");
            var description = at.Text(entry.Description, path + ".description");
            var fdaStatus = at.Text(entry.FdaStatus, path + ".fdaStatus");
            var conclusion = at.Text(entry.Conclusion, path + ".conclusion");
            var descriptionRefs = Refs(entry.DescriptionReferences, path + ".descriptionReferences");
            var conclusionRefs = Refs(entry.ConclusionReferences, path + ".conclusionReferences");
            var limitationRefs = Refs(entry.CommonLimitationsReferences, path + ".commonLimitationsReferences");
            var studies = new List<Study>();
            foreach (var (study, j) in Indexed(at.Required(entry.Studies, path + ".studies")))
            {
                var spath = $"{path}.studies[{j}]";
                var citation = at.Text(study.Citation, spath + ".citation");
                var design = at.Text(study.Design, spath + ".design");
                var participants = at.Text(study.Participants, spath + ".participants");
                var findings = at.Text(study.Findings, spath + ".findings");
                var studyRefs = Refs(study.References, spath + ".references");
                if (study.References is null) at.Add(spath + ".references", "missing: the study's reference numbers ([] when the policy's list lacks it, with a note)");
                else if (study.References.Count == 0 && study.Note is null) at.Add(spath + ".note", "a study with no reference number needs a note saying why");
                if (study.SampleSize is <= 0) at.Add(spath + ".sampleSize", "must be a positive number of participants");
                if (citation is null || design is null || participants is null || findings is null) continue;
                studies.Add(new Study
                {
                    Citation = citation,
                    References = studyRefs,
                    Note = study.Note,
                    Design = design,
                    Participants = participants,
                    SampleSize = study.SampleSize,
                    FollowUp = study.FollowUp,
                    Findings = findings,
                    Limitations = study.Limitations ?? [],
                });
            }
            if (modality is null || section is null || description is null || fdaStatus is null || conclusion is null) continue;
            if (!evidence.TryAdd(modality, new EvidenceSummary
            {
                Modality = modality,
                Section = section,
                Description = description,
                DescriptionReferences = descriptionRefs,
                FdaStatus = fdaStatus,
                Conclusion = conclusion,
                ConclusionReferences = conclusionRefs,
                CommonLimitations = entry.CommonLimitations,
                CommonLimitationsReferences = limitationRefs,
                Studies = studies,
            }))
                at.Add(path + ".modality", $"the evidence for '{modality}' is given twice");
        }
        foreach (var modality in modalities.Keys.Where(m => !evidence.ContainsKey(m)))
            at.Add("modalities", $"no evidence summary for modality '{modality}': every modality's rationale cites its evidence");
        return (background, evidence);
    }

    // ---------------------------------------------------------------- plans

    private static BenefitPlan? LoadPlan(string file, IReadOnlyList<CoveragePolicy> policies, HashSet<string> brokenPolicies, Problems problems)
    {
        var dto = Read<PlanFile>(file, problems);
        if (dto is null) return null;
        var at = problems.In(file);
        var before = problems.Count;
        var id = at.Id(dto.Id, "id");
        if (id is not null && id != Path.GetFileNameWithoutExtension(file))
            at.Add("id", $"plan id '{id}' does not match its file name (name the file '{id}.yaml')");
        var name = at.Text(dto.Name, "name");
        var description = at.Text(dto.Description, "description");
        if (dto.LineOfBusiness is { } lob && !LinesOfBusiness.All.Contains(lob))
            at.Add("lineOfBusiness", $"'{lob}' is not a line of business ({string.Join(", ", LinesOfBusiness.All)})");
        if (dto.AppealWindowDays is { } window && window is < 1 or > 3650)
            at.Add("appealWindowDays", $"{window} is not a number of days from 1 to 3650");
        var provisions = new List<PlanProvision>();
        foreach (var (entry, i) in Indexed(at.Required(dto.Provisions, "provisions")))
        {
            var path = $"provisions[{i}]";
            var pid = at.Id(entry.Id, path + ".id");
            if (pid is not null && provisions.Any(p => p.Id == pid)) at.Add(path + ".id", $"provision '{pid}' is defined twice");
            var kind = entry.Kind;
            if (kind is not ("rider" or "exclusion" or "mandate"))
                at.Add(path + ".kind", kind is null ? "missing (rider, exclusion or mandate)" : $"'{kind}' is not rider, exclusion or mandate");
            GoverningSource? source = entry.Source switch
            {
                "plan" => GoverningSource.Plan,
                "mandate" => GoverningSource.Mandate,
                null => at.Missing<GoverningSource?>(path + ".source"),
                _ => at.Invalid<GoverningSource?>(path + ".source", $"'{entry.Source}' is not plan or mandate"),
            };
            if (kind == "mandate" && source == GoverningSource.Plan) at.Add(path + ".source", "a mandate's source is mandate");
            ProvisionEffect? effect = entry.Effect switch
            {
                "cover" => ProvisionEffect.Cover,
                "exclude" => ProvisionEffect.Exclude,
                null => at.Missing<ProvisionEffect?>(path + ".effect"),
                _ => at.Invalid<ProvisionEffect?>(path + ".effect", $"'{entry.Effect}' is not cover or exclude"),
            };
            if (kind is "rider" or "exclusion" && source == GoverningSource.Mandate) at.Add(path + ".source", $"{(kind == "exclusion" ? "an" : "a")} {kind} is part of the plan document; its source is plan");
            if (kind == "exclusion" && effect == ProvisionEffect.Cover) at.Add(path + ".effect", "an exclusion's effect is exclude");
            if (kind == "rider" && effect == ProvisionEffect.Exclude) at.Add(path + ".effect", "a rider adds coverage; its effect is cover (write an exclusion to exclude)");
            if (entry.RequiresFdaLabel is not null && effect == ProvisionEffect.Exclude)
                at.Add(path + ".requiresFdaLabel", "only a provision that covers can be conditioned on the FDA label");
            var policy = entry.Policy is null ? null : policies.FirstOrDefault(p => p.Id == entry.Policy);
            if (entry.Policy is null) at.Add(path + ".policy", "missing: the policy whose lines the provision governs");
            else if (policy is null && !brokenPolicies.Contains(entry.Policy))
                at.Add(path + ".policy", $"no policy '{entry.Policy}' in the catalogue ({Known(policies.Select(p => p.Id))})");
            HashSet<string>? modalities = null;
            if (entry.Modalities is not null)
            {
                modalities = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (modality, j) in Indexed(entry.Modalities))
                {
                    if (policy is not null && !policy.Modalities.ContainsKey(modality))
                        at.Add($"{path}.modalities[{j}]", $"'{modality}' is not a modality of policy {policy.Id} ({Known(policy.Modalities.Keys)})");
                    modalities.Add(modality);
                }
            }
            FdaLabelStatus? label = entry.RequiresFdaLabel switch
            {
                null => null,
                "on-label" => FdaLabelStatus.OnLabel,
                _ => at.Invalid<FdaLabelStatus?>(path + ".requiresFdaLabel", $"'{entry.RequiresFdaLabel}' is not supported (on-label)"),
            };
            var section = at.Text(entry.Section, path + ".section");
            var text = at.Text(entry.Text, path + ".text");
            if (pid is null || kind is null || source is null || effect is null || policy is null || section is null || text is null) continue;
            provisions.Add(new PlanProvision
            {
                Id = pid,
                Kind = kind,
                Source = source.Value,
                Effect = effect.Value,
                PolicyId = policy.Id,
                Modalities = modalities,
                RequiresFdaLabel = label,
                Section = section,
                Text = text,
            });
        }
        if (problems.Count > before || id is null || name is null || description is null) return null;
        return new BenefitPlan
        {
            Id = id,
            Name = name,
            Description = description,
            IsDefault = dto.Default,
            LineOfBusiness = dto.LineOfBusiness,
            AppealWindowDays = dto.AppealWindowDays ?? BenefitPlan.DefaultAppealWindowDays,
            // Mandates first: a controlling mandate outranks the plan document (policy, "Instructions for use").
            Provisions = provisions.OrderBy(p => p.Source == GoverningSource.Mandate ? 0 : 1).ToList(),
        };
    }

    // ---------------------------------------------------------------- helpers

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    private static T? Read<T>(string file, Problems problems) where T : class
    {
        if (!CatalogueDisk.FileExists(file))
        {
            problems.Add(file, "", "file missing");
            return null;
        }
        try
        {
            var text = CatalogueDisk.ReadText(file);
            // Bounded before it is deserialized: aliases that multiply, or nesting that would run the stack out (YamlBounds).
            if (YamlBounds.Check(text) is var (tooMuch, at))
            {
                problems.Add(file, $"line {at.Line}, column {at.Column}", $"the file is too large to read: {tooMuch}");
                return null;
            }
            var dto = Yaml.Deserialize<T>(text);
            if (dto is null) problems.Add(file, "", "the file is empty");
            return dto;
        }
        catch (CatalogueTextException e)
        {
            problems.Add(file, "", e.Message);
            return null;
        }
        catch (YamlException e)
        {
            var reason = e.InnerException switch
            {
                InvalidCastException or FormatException or OverflowException => "this value has the wrong type for its key (a list, an object, a number, true/false or text is expected here)",
                { } inner => inner.Message.Split('\n')[0],
                null => e.Message.Split('\n')[0],
            };
            reason = UnknownProperty().Replace(reason, m => $"'{m.Groups[1].Value}' is not a key the catalogue knows here");
            if (reason.StartsWith("No node deserializer", StringComparison.Ordinal)
                || reason.StartsWith("Failed to create an instance of type", StringComparison.Ordinal)
                || reason.StartsWith("Expected 'Sequence", StringComparison.Ordinal)
                || reason.StartsWith("Expected 'Mapping", StringComparison.Ordinal))
                reason = "this value has the wrong type for its key (a list or an object where text, a number or true/false is expected, or the other way round)";
            problems.Add(file, $"line {e.Start.Line}, column {e.Start.Column}", reason);
            return null;
        }
    }

    /// <summary>
    /// Terms and descriptions are compared in one form: read as plain text (<see cref="DescriptionText"/>: lookalike
    /// letters, compatibility forms and accents folded), then lower case, punctuation read as spaces.
    /// </summary>
    internal static string TermText(string text)
    {
        var plain = DescriptionText.Read(text);
        if (plain.Problem is null) text = plain.Text;
        var builder = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }
        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// The files of every root, the base catalogue first: a catalogue that extends another has the digest of both
    /// (the catalogue.yaml that joins them included), and a catalogue without extension the digest it always had.
    /// </summary>
    private static string Digest(IReadOnlyList<string> roots)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (index, root, file) in DigestedFiles(roots))
        {
            sha.AppendData(Encoding.UTF8.GetBytes((index == 0 ? "" : $"extension {index}/") + file + "\n"));
            sha.AppendData(CatalogueDisk.ReadBytes(Path.Combine(root, file)));
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The order-code map turns orders into requests; it is no rule of the digest (<see cref="OrderCodeMap"/>).</summary>
    private const string OrderCodesPath = "policies/" + OrderCodeMap.FileName;

    /// <summary>
    /// The files the catalogue is read from, in the digest's order: each root's policies/ and plans/ YAML files (the
    /// order-code map aside) and an extension's manifest, as paths relative to their root.
    /// </summary>

    private static IEnumerable<(int Index, string Root, string File)> DigestedFiles(IReadOnlyList<string> roots)
    {
        foreach (var (root, i) in Indexed(roots))
            foreach (var file in CatalogueDisk.Files(root, "*.yaml", recursive: true)
                         .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                         .Where(f => (f.StartsWith("policies/", StringComparison.Ordinal) && f != OrderCodesPath) || f.StartsWith("plans/", StringComparison.Ordinal)
                                     || (i > 0 && f == ManifestFileName))
                         .Order(StringComparer.Ordinal))
                yield return (i, root, file);
    }

    /// <summary>
    /// The catalogue's files as they are now, to keep beside the cases decided with them: every file the digest
    /// covers, by its path from the folder that holds all the catalogue's roots, so that a relative "extends"
    /// still finds its base when the files are written out elsewhere.
    /// </summary>
    public static CatalogueSnapshot Snapshot(string root)
    {
        var problems = new Problems(root);
        var roots = Roots(root, problems);
        if (problems.Any) throw new CatalogueException(problems.Errors);
        var ancestor = CommonFolder(roots);
        var files = DigestedFiles(roots)
            .Select(f => new CatalogueSnapshotFile(
                Path.GetRelativePath(ancestor, Path.Combine(f.Root, f.File)).Replace('\\', '/'), CatalogueDisk.ReadBytes(Path.Combine(f.Root, f.File))))
            .ToList();
        var relativeRoot = Path.GetRelativePath(ancestor, roots[^1]).Replace('\\', '/');
        return new CatalogueSnapshot(Digest(roots), relativeRoot, files);
    }

    private static string CommonFolder(List<string> folders)
    {
        var common = folders[0].TrimEnd(Path.DirectorySeparatorChar);
        foreach (var folder in folders.Skip(1))
            while (!(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                common = Path.GetDirectoryName(common) ?? throw new InvalidOperationException("The catalogue's folders share no common folder.");
        return common;
    }

    private static IEnumerable<(T Item, int Index)> Indexed<T>(IEnumerable<T> items) => items.Select((item, i) => (item, i));

    private static string Known(IEnumerable<string> names) => "known: " + string.Join(", ", names);

    [GeneratedRegex(@"^[a-z][a-zA-Z0-9]*\z")]
    private static partial Regex CamelCase();

    [GeneratedRegex("^[a-z]+( [a-z]+)*\\z")]
    private static partial Regex ServiceKindPattern();

    [GeneratedRegex("Property '([^']+)' not found on type '[^']+'\\.?")]
    private static partial Regex UnknownProperty();
}
