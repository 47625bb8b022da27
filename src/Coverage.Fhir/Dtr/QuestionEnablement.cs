using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// <c>enableWhen</c> for the standard questionnaire, derived from the criteria as <c>$next-question</c> decides what to
/// ask: a question is enabled only while the answers so far leave one of its criteria able to need it. The case plain
/// enableWhen can say is a criterion read two ways (an <c>anyOf</c> whose earlier part reads another question): the
/// later question matters only while the earlier part is not true — that question unanswered, or answered so that the
/// part is false (Ki-67 not below 15% → ask the genomic risk). Each such part is two enableWhen, "exists = false" and
/// the part's negation, under <c>enableBehavior any</c>; a question serving several criteria is enabled when any of them
/// can still need it, so the conditions of all its criteria stay under that one <c>any</c>.
/// A question stays always enabled (no enableWhen) when any criterion it serves needs it whatever the other answers, or
/// when what enables it is beyond one flat <c>any</c>: two earlier parts of one criterion (both must be not true), a
/// part on a derived fact (the age, asked as the birth date) or on a list, a part of several facts. Asking a question
/// that may not matter is harmless (the answers are read the same way); the adaptive form asks only what matters.
/// </summary>
public static class QuestionEnablement
{
    /// <summary>Sets enableWhen/enableBehavior on the items (by linkId = the question's fact) where the criteria say when they matter.</summary>
    public static void Apply(QuestionnaireSubject subject, IReadOnlyList<FactNeeded> questions, FactDefinitions facts, IList<Questionnaire.ItemComponent> items)
    {
        var criteria = subject.Criteria.Criteria.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var question in questions)
        {
            var item = items.FirstOrDefault(i => i.LinkId == question.Fact);
            if (item is null) continue;
            var conditions = new List<Questionnaire.EnableWhenComponent>();
            var alwaysNeeded = false;
            foreach (var id in question.Criteria)
            {
                var guard = GuardOf(criteria[id].Condition, question.Fact, facts, items);
                if (guard is null)
                {
                    alwaysNeeded = true;
                    break;
                }
                foreach (var condition in guard)
                    if (!conditions.Any(c => c.IsExactly(condition))) conditions.Add(condition);
            }
            if (alwaysNeeded || conditions.Count == 0) continue;
            item.EnableWhen = conditions;
            item.EnableBehavior = Questionnaire.EnableWhenBehavior.Any;
        }
    }

    /// <summary>
    /// When the criterion needs the question <paramref name="asked"/>, as enableWhen under "any"; null when it needs it
    /// whatever the answers (or when that is beyond plain enableWhen).
    /// </summary>
    private static List<Questionnaire.EnableWhenComponent>? GuardOf(FactCondition condition, string asked, FactDefinitions facts, IList<Questionnaire.ItemComponent> items)
    {
        if (condition is not AnyOf any) return null;
        var part = any.Conditions.ToList().FindIndex(p => p.Facts.Any(f => FactsAsked.For(f, [], facts).Fact == asked));
        if (part != 1) return null; // the first part (nothing before it), or two earlier parts (both must be not true: not one flat "any")
        if (any.Conditions[0] is not FactComparison earlier) return null;
        var other = FactsAsked.For(earlier.Fact, [], facts).Fact;
        // Only a part on a fact asked as itself (not derived), of a type enableWhen compares, on a question in the form.
        if (other != earlier.Fact || other == asked) return null;
        var item = items.FirstOrDefault(i => i.LinkId == other);
        if (item is null || Negation(earlier, item) is not { } negation) return null;
        return
        [
            new Questionnaire.EnableWhenComponent { Question = other, Operator = Questionnaire.QuestionnaireItemOperator.Exists, Answer = new FhirBoolean(false) },
            negation,
        ];
    }

    /// <summary>The enableWhen that holds when <paramref name="part"/> is answered false; null when the item's type cannot say it.</summary>
    private static Questionnaire.EnableWhenComponent? Negation(FactComparison part, Questionnaire.ItemComponent item)
    {
        DataType? value = item.Type switch
        {
            Questionnaire.QuestionnaireItemType.Boolean when part.Value.Type == FactType.Boolean => new FhirBoolean(part.Value.Boolean),
            Questionnaire.QuestionnaireItemType.Choice when part.Value.Type == FactType.Code && item.Repeats != true => new Coding(FhirSystems.ClinicalFactValue, part.Value.Code),
            Questionnaire.QuestionnaireItemType.Decimal when part.Value.Type == FactType.Number => new FhirDecimal((decimal)part.Value.Number),
            Questionnaire.QuestionnaireItemType.Quantity when part.Value.Type == FactType.Number
                && item.Extension.FirstOrDefault(e => e.Url == QuestionnaireBuilder.UnitOption)?.Value is Coding unit =>
                new Quantity((decimal)part.Value.Number, unit.Code, unit.System) { Unit = unit.Code },
            _ => null,
        };
        if (value is null) return null;
        if (value is FhirBoolean flag && part.Comparison == Comparison.EqualTo)
            return new Questionnaire.EnableWhenComponent { Question = item.LinkId, Operator = Questionnaire.QuestionnaireItemOperator.Equal, Answer = new FhirBoolean(!flag.Value) };
        Questionnaire.QuestionnaireItemOperator? negated = part.Comparison switch
        {
            Comparison.EqualTo => Questionnaire.QuestionnaireItemOperator.NotEqual,
            Comparison.AtLeast when value is not FhirBoolean and not Coding => Questionnaire.QuestionnaireItemOperator.LessThan,
            Comparison.AtMost when value is not FhirBoolean and not Coding => Questionnaire.QuestionnaireItemOperator.GreaterThan,
            Comparison.LessThan when value is not FhirBoolean and not Coding => Questionnaire.QuestionnaireItemOperator.GreaterOrEqual,
            Comparison.GreaterThan when value is not FhirBoolean and not Coding => Questionnaire.QuestionnaireItemOperator.LessOrEqual,
            _ => null,
        };
        return negated is { } op ? new Questionnaire.EnableWhenComponent { Question = item.LinkId, Operator = op, Answer = value } : null;
    }
}
