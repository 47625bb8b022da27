using System.Globalization;
using System.Net;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// Writes a DTR standard Questionnaire (profile dtr-std-questionnaire 2.0.1) for a <see cref="QuestionnaireSubject"/>:
/// one item per fact its criteria read, linkId = the fact's name as the request states it, text = what documents it
/// (the catalogue's <c>documentation</c>). The fact's type gives the item's type: a number with a unit a quantity
/// (that unit, the bounds as minQuantity/maxQuantity), without one a decimal (minValue/maxValue); a boolean a boolean;
/// a code a choice bound to a ValueSet of the fact's values; a date a date; a list a repeating choice; the diagnoses
/// a repeating open choice (the criteria's ICD-10-CM sets are ValueSets of the package). Items whose
/// fact has a source in the record carry an initialExpression into the pre-population Library.
/// </summary>
public static class QuestionnaireBuilder
{
    public const string StandardProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire";
    public const string CqfLibrary = "http://hl7.org/fhir/StructureDefinition/cqf-library";
    public const string LaunchContext = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext";
    public const string InitialExpression = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";
    public const string AlternativeExpression = "http://hl7.org/fhir/us/ecr/StructureDefinition/us-ph-alternative-expression-extension";
    public const string UnitOption = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption";
    public const string MinQuantity = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity";
    public const string MaxQuantity = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity";
    public const string MinValue = "http://hl7.org/fhir/StructureDefinition/minValue";
    public const string MaxValue = "http://hl7.org/fhir/StructureDefinition/maxValue";
    public const string AdministrativeGender = "http://hl7.org/fhir/administrative-gender";

    /// <summary>The Questionnaire, the Library it names (null when nothing can be pre-populated) and the ValueSets its items bind.</summary>
    public sealed record Generated(Questionnaire Questionnaire, Library? Library, IReadOnlyList<ValueSet> ValueSets, IReadOnlyList<FactNeeded> Questions);

    public static Generated Build(QuestionnaireSubject subject, PolicyCatalogue catalogue, DtrCanonicals canonicals, DateTimeOffset now)
    {
        var facts = catalogue.Facts;
        var version = catalogue.Digest;
        var questions = subject.Questions(facts);
        var library = PrepopulationLibrary.Build(subject, questions, facts, canonicals, version);
        var valueSets = new List<ValueSet>();
        var questionnaire = new Questionnaire
        {
            Id = subject.Id,
            Meta = new Meta { Profile = [StandardProfile] },
            Url = canonicals.Questionnaire(subject.Id),
            Version = version,
            Name = PrepopulationLibrary.NameOf(subject)["Prepopulation".Length..],
            Title = subject.Title,
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            Description = $"The documentation that decides: {subject.Source}",
        };
        if (library is not null)
        {
            // The bare canonical: the Inferno DTR kit matches cqf-library values against Library.url exactly; the
            // Library in the package carries the same version (the digest) as the Questionnaire (docs/decisions.md).
            questionnaire.Extension.Add(new Extension(CqfLibrary, new Canonical(library.Url)));
            questionnaire.Extension.Add(new Extension
            {
                Url = LaunchContext,
                Extension =
                [
                    new Extension("name", new Coding("http://hl7.org/fhir/uv/sdc/CodeSystem/launchContext", "patient")),
                    new Extension("type", new Code("Patient")),
                ],
            });
        }
        foreach (var question in questions)
            questionnaire.Item.Add(Item(question, facts, canonicals, version, library, valueSets, now));
        // The criteria's diagnosis sets, which the Library's Condition data requirement names.
        valueSets.AddRange(DiagnosisValueSets.Of(subject).Select(set => DiagnosisValueSets.Build(set, subject, canonicals, version, now)));
        QuestionEnablement.Apply(subject, questions, facts, questionnaire.Item);
        questionnaire.Text = NarrativeOf(subject, questionnaire);
        return new Generated(questionnaire, library, valueSets, questions);
    }

    /// <summary>
    /// Whether a question takes more than one answer (<c>Questionnaire.item.repeats</c>): a list's values and the diagnoses
    /// do; a number, a yes/no, a date or one code is one answer.
    /// </summary>
    public static bool Repeats(FactNeeded question) => question.Type is not ("number" or "boolean" or "date" or "code");

    /// <summary>The item that asks one question (the adaptive flow adds them one at a time).</summary>
    public static Questionnaire.ItemComponent Item(FactNeeded question, FactDefinitions facts, DtrCanonicals canonicals, string version, Library? library, List<ValueSet> valueSets, DateTimeOffset now)
    {
        var fact = facts.Find(question.Fact);
        var item = new Questionnaire.ItemComponent
        {
            LinkId = question.Fact,
            Text = question.Documentation,
            Required = false, // an unknown fact is allowed: the criteria stay open and the line waits for it
        };
        if (fact is not null)
        {
            item.Code = [.. PrepopulationLibrary.StandardCodings(fact).Select(c => new Coding(c.System, c.Code, c.Display)), new Coding(FhirSystems.ClinicalFact, fact.Name, fact.Description)];
        }
        switch (question.Type)
        {
            case "number" when question.Unit is { } unit:
                item.Type = Questionnaire.QuestionnaireItemType.Quantity;
                item.Extension.Add(new Extension(UnitOption, new Coding(FhirSystems.Ucum, unit, unit)));
                if (fact?.Minimum is { } minimum) item.Extension.Add(new Extension(MinQuantity, Quantity(minimum, unit)));
                if (fact?.Maximum is { } maximum) item.Extension.Add(new Extension(MaxQuantity, Quantity(maximum, unit)));
                break;
            case "number":
                item.Type = Questionnaire.QuestionnaireItemType.Decimal;
                if (fact?.Minimum is { } min) item.Extension.Add(new Extension(MinValue, new FhirDecimal((decimal)min)));
                if (fact?.Maximum is { } max) item.Extension.Add(new Extension(MaxValue, new FhirDecimal((decimal)max)));
                break;
            case "boolean":
                item.Type = Questionnaire.QuestionnaireItemType.Boolean;
                break;
            case "date":
                item.Type = Questionnaire.QuestionnaireItemType.Date;
                break;
            case "code" or "list" when fact is not null:
                item.Type = Questionnaire.QuestionnaireItemType.Choice;
                item.Repeats = Repeats(question);
                var valueSet = FactValueSet.Build(fact, canonicals, version, now);
                valueSets.Add(valueSet);
                item.AnswerValueSet = $"{valueSet.Url}|{valueSet.Version}";
                break;
            case "code":
                // The request's own fields (sex, place of service): their few values are listed in the item.
                item.Type = Questionnaire.QuestionnaireItemType.Choice;
                var system = question.Fact == FactsAsked.SexFact ? AdministrativeGender : FhirSystems.ClinicalFactValue;
                item.AnswerOption = [.. question.Values.Select(v => new Questionnaire.AnswerOptionComponent { Value = new Coding(system, v, v) })];
                break;
            default:
                // The diagnoses: ICD-10-CM codings, any number (pre-populated from the active Conditions in the
                // criteria's sets; no answerValueSet, as a category's codes cannot be listed from the catalogue).
                item.Type = Questionnaire.QuestionnaireItemType.OpenChoice;
                item.Repeats = Repeats(question);
                break;
        }
        if (library is not null && PrepopulationLibrary.DefinitionOf(question, facts) is { } definition)
        {
            var expression = new Expression { Language = PrepopulationLibrary.CqlContentType, Expression_ = $"\"{library.Name}\".\"{definition}\"" };
            expression.Extension.Add(new Extension(AlternativeExpression, new Expression
            {
                Language = PrepopulationLibrary.ElmContentType,
                Expression_ = $$"""{"type":"ExpressionRef","libraryName":"{{library.Name}}","name":"{{definition}}"}""",
            }));
            item.Extension.Add(new Extension(InitialExpression, expression));
        }
        return item;
    }

    private static Quantity Quantity(double value, string unit) => new((decimal)value, unit, FhirSystems.Ucum) { Unit = unit };

    private static Narrative NarrativeOf(QuestionnaireSubject subject, Questionnaire questionnaire)
    {
        var div = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>");
        div.Append(WebUtility.HtmlEncode(subject.Title)).Append("</p><ol>");
        foreach (var item in questionnaire.Item)
            div.Append("<li>").Append(WebUtility.HtmlEncode(item.Text)).Append(" (").Append(WebUtility.HtmlEncode(item.LinkId)).Append(", ")
                .Append(item.Type?.ToString().ToLower(CultureInfo.InvariantCulture)).Append(")</li>");
        div.Append("</ol></div>");
        return new Narrative { Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated, Div = div.ToString() };
    }
}
