using System.Text;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The CQL Library a DTR client runs to fill a questionnaire's answers from the EHR (DTR 2.0.1 "Use of CQL": CQL 1.5,
/// context Patient, the CQL and its ELM (application/elm+json) as two content.data repetitions). One definition per
/// question that has a source in the record: the patient's birth date, and the latest final Observation coded with a
/// standard coding the catalogue binds to the fact (facts[].codes, e.g. LOINC), and the diagnoses of the active,
/// confirmed Conditions in the criteria's ICD-10-CM sets (<see cref="ConditionDiagnoses"/>). A fact with no standard
/// coding is left to the provider. The CQL and the ELM are written from the same templates, so they say the same thing.
/// </summary>
public static class PrepopulationLibrary
{
    public const string CqlContentType = "text/cql";
    public const string ElmContentType = "application/elm+json";

    /// <summary>The statuses of an Observation whose value the record asserts (not preliminary, cancelled or in error).</summary>
    private static readonly string[] FinalStatuses = ["final", "amended", "corrected"];

    /// <summary>The CQL definition a question is filled from, or null when the record has no source for it.</summary>
    public static string? DefinitionOf(FactNeeded question, FactDefinitions facts) =>
        question.Fact == FactsAsked.BirthDateFact ? BirthDate
        : question.Fact == DiagnosisIn.FactName ? ConditionDiagnoses.Definition
        : facts.Find(question.Fact) is { } fact && StandardCodings(fact).Count > 0 ? fact.Name
        : null;

    /// <summary>The name of the definition of the member's birth date.</summary>
    public const string BirthDate = "BirthDate";

    /// <summary>The library's CQL name: "Prepopulation" and the questionnaire id in Pascal case (a CQL and FHIR Library name).</summary>
    public static string NameOf(QuestionnaireSubject subject)
    {
        var name = new StringBuilder("Prepopulation");
        foreach (var part in subject.Id.Split('-', '.'))
            if (part.Length > 0) name.Append(char.ToUpperInvariant(part[0])).Append(part[1..]);
        return name.ToString();
    }

    /// <summary>The codings of a fact that an EHR may use (every one the catalogue binds but Coverage's own system).</summary>
    public static IReadOnlyList<FactCoding> StandardCodings(FactDefinition fact) =>
        [.. fact.Codes.Where(c => c.System != FhirSystems.ClinicalFact)];

    /// <summary>The Library for the questions of <paramref name="subject"/>, or null when none can be filled from the record.</summary>
    public static Library? Build(QuestionnaireSubject subject, IReadOnlyList<FactNeeded> questions, FactDefinitions facts, DtrCanonicals canonicals, string version)
    {
        var sources = questions.Select(q => (Question: q, Definition: DefinitionOf(q, facts))).Where(s => s.Definition is not null).ToList();
        if (sources.Count == 0) return null;
        var name = NameOf(subject);
        var diagnosisSets = DiagnosisValueSets.Of(subject);
        var codes = sources.Where(s => s.Definition is not (BirthDate or ConditionDiagnoses.Definition))
            .SelectMany(s => StandardCodings(facts.Find(s.Definition!)!).Select(c => (Fact: s.Definition!, Coding: c))).ToList();
        var systems = codes.Select(c => c.Coding.System).Distinct(StringComparer.Ordinal).ToList();

        var cql = new StringBuilder();
        cql.Append("library ").Append(name).Append(" version '").Append(version).Append("'\n\n");
        cql.Append("using FHIR version '4.0.1'\n\n");
        foreach (var system in systems) cql.Append("codesystem ").Append(Quoted(system)).Append(": '").Append(system).Append("'\n");
        foreach (var (fact, coding) in codes)
            cql.Append("code ").Append(Quoted(CodeName(fact, coding))).Append(": '").Append(coding.Code).Append("' from ").Append(Quoted(coding.System))
                .Append(coding.Display is null ? "" : $" display '{coding.Display.Replace("'", "\\'", StringComparison.Ordinal)}'").Append('\n');
        cql.Append("\ncontext Patient\n");

        var statements = new JsonArray { ElmNodes.Statement("Patient", new JsonObject { ["type"] = "SingletonFrom", ["operand"] = ElmNodes.Retrieve("Patient") }, isPublic: false) };
        foreach (var (question, definition) in sources)
        {
            if (definition == BirthDate)
            {
                cql.Append("\n// ").Append(question.Documentation).Append('\n');
                cql.Append("define \"BirthDate\":\n  Patient.birthDate\n");
                statements.Add(ElmNodes.Statement(BirthDate, ElmNodes.Property("birthDate", new JsonObject { ["type"] = "ExpressionRef", ["name"] = "Patient" })));
                continue;
            }
            if (definition == ConditionDiagnoses.Definition)
            {
                cql.Append(ConditionDiagnoses.Cql(diagnosisSets, question.Documentation));
                statements.Add(ElmNodes.Statement(definition, ConditionDiagnoses.Elm(diagnosisSets)));
                continue;
            }
            var own = codes.Where(c => c.Fact == definition).ToList();
            var codeList = string.Join(", ", own.Select(c => Quoted(CodeName(c.Fact, c.Coding))));
            cql.Append("\n// ").Append(question.Documentation).Append(": the latest final Observation's value\n");
            cql.Append("define ").Append(Quoted(definition!)).Append(":\n");
            cql.Append("  Last(\n    [Observation: { ").Append(codeList).Append(" }] O\n");
            cql.Append("      where O.status.value in { ").Append(string.Join(", ", FinalStatuses.Select(s => $"'{s}'"))).Append(" }\n");
            cql.Append("        and O.value is not null\n");
            cql.Append("      sort by issued.value\n  ).value\n");
            statements.Add(ElmNodes.Statement(definition!, LatestObservationValue(own.Select(c => CodeName(c.Fact, c.Coding)))));
        }

        var elm = new JsonObject
        {
            ["library"] = new JsonObject
            {
                ["identifier"] = new JsonObject { ["id"] = name, ["version"] = version },
                ["schemaIdentifier"] = new JsonObject { ["id"] = "urn:hl7-org:elm", ["version"] = "r1" },
                ["usings"] = new JsonObject
                {
                    ["def"] = new JsonArray
                    {
                        new JsonObject { ["localIdentifier"] = "System", ["uri"] = "urn:hl7-org:elm-types:r1" },
                        new JsonObject { ["localIdentifier"] = "FHIR", ["uri"] = "http://hl7.org/fhir", ["version"] = "4.0.1" },
                    },
                },
                ["codeSystems"] = new JsonObject { ["def"] = new JsonArray([.. systems.Select(s => (JsonNode)new JsonObject { ["name"] = s, ["id"] = s, ["accessLevel"] = "Public" })]) },
                ["codes"] = new JsonObject
                {
                    ["def"] = new JsonArray([.. codes.Select(c => (JsonNode)new JsonObject
                    {
                        ["name"] = CodeName(c.Fact, c.Coding),
                        ["id"] = c.Coding.Code,
                        ["display"] = c.Coding.Display,
                        ["accessLevel"] = "Public",
                        ["codeSystem"] = new JsonObject { ["name"] = c.Coding.System },
                    })]),
                },
                ["contexts"] = new JsonObject { ["def"] = new JsonArray { new JsonObject { ["name"] = "Patient" } } },
                ["statements"] = new JsonObject { ["def"] = statements },
            },
        };

        return new Library
        {
            Id = subject.Id,
            Url = canonicals.Library(subject.Id),
            Version = version,
            Name = name,
            Title = $"Pre-population of: {subject.Title}",
            Status = PublicationStatus.Active,
            Type = new CodeableConcept { Coding = [new Coding("http://terminology.hl7.org/CodeSystem/library-type", "logic-library", "Logic Library")] },
            Description = DescriptionOf(sources.Select(s => s.Definition!).ToList(), codes.Count > 0),
            DataRequirement = [.. DataRequirements(sources.Select(s => s.Definition!), codes), .. ConditionDiagnoses.DataRequirements(diagnosisSets, canonicals, version)],
            Content =
            [
                new Attachment { ContentType = CqlContentType, Data = Encoding.UTF8.GetBytes(cql.ToString()) },
                new Attachment { ContentType = ElmContentType, Data = Encoding.UTF8.GetBytes(elm.ToJsonString()) },
            ],
        };
    }

    private static IEnumerable<DataRequirement> DataRequirements(IEnumerable<string> definitions, List<(string Fact, FactCoding Coding)> codes)
    {
        if (definitions.Contains(BirthDate)) yield return new DataRequirement { Type = FHIRAllTypes.Patient, MustSupport = ["birthDate"] };
        if (codes.Count > 0)
            yield return new DataRequirement
            {
                Type = FHIRAllTypes.Observation,
                MustSupport = ["status", "value", "issued"],
                CodeFilter = [new DataRequirement.CodeFilterComponent { Path = "code", Code = [.. codes.Select(c => new Coding(c.Coding.System, c.Coding.Code, c.Coding.Display))] }],
            };
    }

    /// <summary>What the Library fills, in words: only the sources it has definitions for.</summary>
    private static string DescriptionOf(IReadOnlyList<string> definitions, bool observations)
    {
        var parts = new List<string>();
        if (definitions.Contains(BirthDate)) parts.Add("the birth date");
        if (observations) parts.Add("the latest final Observation coded as the payer's catalogue binds the fact");
        if (definitions.Contains(ConditionDiagnoses.Definition)) parts.Add("the diagnoses of the active, confirmed Conditions in the criteria's ICD-10-CM sets");
        return "Fills the questionnaire's answers from the patient's record: " + (parts.Count == 1 ? parts[0] : string.Join(", ", parts[..^1]) + " and " + parts[^1]) + ".";
    }

    /// <summary>A CQL identifier for a code: the fact and the code ("tumorSizeCm 21889-1").</summary>
    private static string CodeName(string fact, FactCoding coding) => $"{fact} {coding.Code}";

    private static string Quoted(string identifier) => "\"" + identifier.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // ------------------------------------------------------------------ ELM (the same expressions as the CQL above)

    /// <summary>Last([Observation: codes] O where O.status.value in {final…} and O.value is not null sort by issued.value).value</summary>
    private static JsonObject LatestObservationValue(IEnumerable<string> codeNames)
    {
        var retrieve = ElmNodes.Retrieve("Observation");
        retrieve["codeProperty"] = "code";
        retrieve["codes"] = new JsonObject { ["type"] = "List", ["element"] = new JsonArray([.. codeNames.Select(n => (JsonNode)new JsonObject { ["type"] = "CodeRef", ["name"] = n })]) };
        var query = new JsonObject
        {
            ["type"] = "Query",
            ["source"] = new JsonArray { new JsonObject { ["alias"] = "O", ["expression"] = retrieve } },
            ["relationship"] = new JsonArray(),
            ["where"] = new JsonObject
            {
                ["type"] = "And",
                ["operand"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "In",
                        ["operand"] = new JsonArray
                        {
                            ElmNodes.Property("value", ElmNodes.ScopedProperty("status", "O")),
                            new JsonObject { ["type"] = "List", ["element"] = new JsonArray([.. FinalStatuses.Select(s => (JsonNode)ElmNodes.Literal(s))]) },
                        },
                    },
                    new JsonObject { ["type"] = "Not", ["operand"] = new JsonObject { ["type"] = "IsNull", ["operand"] = ElmNodes.ScopedProperty("value", "O") } },
                },
            },
            ["sort"] = new JsonObject
            {
                ["by"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "ByExpression",
                        ["direction"] = "asc",
                        ["expression"] = ElmNodes.Property("value", new JsonObject { ["type"] = "IdentifierRef", ["name"] = "issued" }),
                    },
                },
            },
        };
        return ElmNodes.Property("value", new JsonObject { ["type"] = "Last", ["source"] = query });
    }
}
