using System.Text;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The pre-population definition of the diagnoses question (a <see cref="DiagnosisIn"/> criterion): the ICD-10-CM
/// codings of the patient's Conditions that are active (clinicalStatus active, recurrence or relapse), not doubted
/// (verificationStatus none of unconfirmed, provisional, differential, refuted, entered-in-error; an absent one
/// counts, as US Core allows it to be absent), and whose code is in one of the criteria's sets. The set test is the
/// engine's own (<see cref="DiagnosisValueSet.Contains"/>): the code without its dot, upper case, equal to an exact
/// code or starting with a listed category. It is written in the CQL itself, not as <c>in "ValueSet"</c>: a category
/// (C50.*) can only be expanded by an ICD-10-CM terminology service, which neither the catalogue nor an offline CQL
/// engine has (docs/decisions.md). The ValueSets in the package say the same sets for a client that has one.
/// </summary>
public static class ConditionDiagnoses
{
    /// <summary>The name of the definition.</summary>
    public const string Definition = "Diagnoses";

    public const string ClinicalStatusSystem = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string VerificationStatusSystem = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    /// <summary>The clinical statuses of a Condition the patient has now.</summary>
    public static readonly IReadOnlyList<string> ActiveStatuses = ["active", "recurrence", "relapse"];

    /// <summary>
    /// The verification statuses that do not assert the diagnosis: a tentative or a differential one is a candidate,
    /// not a finding; a refuted or erroneous one is not the patient's. Pre-populating it would state it as fact.
    /// </summary>
    public static readonly IReadOnlyList<string> DoubtedStatuses = ["unconfirmed", "provisional", "differential", "refuted", "entered-in-error"];

    /// <summary>The CQL of the definition, with a comment naming the sets as the catalogue writes them.</summary>
    public static string Cql(IReadOnlyList<DiagnosisValueSets.Read> sets, string documentation)
    {
        var codes = Codes(sets);
        var prefixes = Prefixes(sets);
        var tests = new List<string>();
        if (codes.Count > 0) tests.Add($"N in {{ {string.Join(", ", codes.Select(c => $"'{c}'"))} }}");
        tests.AddRange(prefixes.Select(p => $"StartsWith(N, '{p}')"));
        var cql = new StringBuilder();
        cql.Append("\n// ").Append(documentation).Append(": the ICD-10-CM codings of the active, confirmed Conditions in ")
            .Append(string.Join("; ", sets.Select(s => s.Diagnoses.Display))).Append('\n');
        cql.Append("define \"").Append(Definition).Append("\":\n");
        cql.Append("  flatten (\n");
        cql.Append("    [Condition] C\n");
        cql.Append("      where exists (C.clinicalStatus.coding S\n");
        cql.Append("          where S.system.value = '").Append(ClinicalStatusSystem).Append("'\n");
        cql.Append("            and S.code.value in { ").Append(Listed(ActiveStatuses)).Append(" })\n");
        cql.Append("        and not exists (C.verificationStatus.coding V\n");
        cql.Append("          where V.system.value = '").Append(VerificationStatusSystem).Append("'\n");
        cql.Append("            and V.code.value in { ").Append(Listed(DoubtedStatuses)).Append(" })\n");
        cql.Append("      return all (\n");
        cql.Append("        C.code.coding D\n");
        cql.Append("          let N: Upper(ReplaceMatches(D.code.value, '[.]', ''))\n");
        cql.Append("          where D.system.value = '").Append(FhirSystems.Icd10Cm).Append("'\n");
        cql.Append("            and (").Append(string.Join("\n              or ", tests)).Append(")\n");
        cql.Append("      )\n");
        cql.Append("  )\n");
        return cql.ToString();
    }

    /// <summary>The ELM of the same expression.</summary>
    public static JsonObject Elm(IReadOnlyList<DiagnosisValueSets.Read> sets)
    {
        JsonObject ValueOf(string property, string scope) => ElmNodes.Property("value", ElmNodes.ScopedProperty(property, scope));
        JsonObject CodingsOf(string element, string scope) => ElmNodes.Property("coding", ElmNodes.ScopedProperty(element, scope));
        JsonObject StatusIn(string element, string system, IReadOnlyList<string> statuses, string alias) =>
            ElmNodes.Unary("Exists", ElmNodes.Query(alias, CodingsOf(element, "C"), ElmNodes.Operator("And",
                ElmNodes.Operator("Equal", ValueOf("system", alias), ElmNodes.Literal(system)),
                ElmNodes.Operator("In", ValueOf("code", alias), ElmNodes.Strings(statuses)))));

        var normalised = new JsonObject { ["type"] = "QueryLetRef", ["name"] = "N" };
        var tests = new List<JsonObject>();
        var codes = Codes(sets);
        if (codes.Count > 0) tests.Add(ElmNodes.Operator("In", normalised.DeepClone(), ElmNodes.Strings(codes)));
        tests.AddRange(Prefixes(sets).Select(p => ElmNodes.Operator("StartsWith", normalised.DeepClone(), ElmNodes.Literal(p))));
        // ELM's Or is binary: a or b or c is Or(Or(a, b), c), as the translator writes it.
        var inSet = tests[0];
        foreach (var test in tests.Skip(1)) inSet = ElmNodes.Operator("Or", inSet, test);

        var codings = ElmNodes.Query("D", CodingsOf("code", "C"),
            ElmNodes.Operator("And", ElmNodes.Operator("Equal", ValueOf("system", "D"), ElmNodes.Literal(FhirSystems.Icd10Cm)), inSet),
            let: ("N", ElmNodes.Unary("Upper", ElmNodes.Operator("ReplaceMatches", ValueOf("code", "D"), ElmNodes.Literal("[.]"), ElmNodes.Literal("")))));
        var conditions = ElmNodes.Query("C", ElmNodes.Retrieve("Condition"),
            ElmNodes.Operator("And",
                StatusIn("clinicalStatus", ClinicalStatusSystem, ActiveStatuses, "S"),
                ElmNodes.Unary("Not", StatusIn("verificationStatus", VerificationStatusSystem, DoubtedStatuses, "V"))),
            returns: codings);
        return ElmNodes.Unary("Flatten", conditions);
    }

    /// <summary>The data the definition reads: the patient's Conditions, by the sets' ValueSets.</summary>
    public static IEnumerable<Hl7.Fhir.Model.DataRequirement> DataRequirements(IReadOnlyList<DiagnosisValueSets.Read> sets, DtrCanonicals canonicals, string version) =>
        sets.Select(s => new Hl7.Fhir.Model.DataRequirement
        {
            Type = Hl7.Fhir.Model.FHIRAllTypes.Condition,
            MustSupport = ["clinicalStatus", "verificationStatus", "code"],
            CodeFilter = [new Hl7.Fhir.Model.DataRequirement.CodeFilterComponent { Path = "code", ValueSet = $"{canonicals.ValueSet(s.Id)}|{version}" }],
        });

    /// <summary>The exact codes of every set, normalised as the engine compares them (no dot, upper case), each once.</summary>
    private static List<string> Codes(IReadOnlyList<DiagnosisValueSets.Read> sets) =>
        [.. sets.SelectMany(s => s.Diagnoses.Codes).Distinct(StringComparer.Ordinal)];

    private static List<string> Prefixes(IReadOnlyList<DiagnosisValueSets.Read> sets) =>
        [.. sets.SelectMany(s => s.Diagnoses.Prefixes).Distinct(StringComparer.Ordinal)];

    private static string Listed(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));
}
