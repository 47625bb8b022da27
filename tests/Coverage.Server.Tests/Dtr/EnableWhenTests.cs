using System.Globalization;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// The standard questionnaire's enableWhen, derived from the criteria (<see cref="QuestionEnablement"/>): a question
/// that serves only as the second way of reading a criterion is enabled while the first way is not true — its question
/// unanswered, or answered so that it is false — and every other question is always enabled. Shown on three shapes: the
/// FDA label (a quantity below a bound or a code; a boolean or a boolean), CG-MED-81 (a decimal at most a bound, or a
/// boolean) and MP-728 (an anyOf over one fact nested in an allOf: nothing to enable), and checked against what
/// $next-question asks for the same answers.
/// </summary>
public sealed class EnableWhenTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    public static TheoryData<string?, string, string, string, string[]> Orders => new()
    {
        { null, "example-fda-cryo-rider", "0581T", "C50.412", ["genomicRisk: ki67Percent exists false | ki67Percent >= 15 %", "implantDistanceDocumented: breastImplants exists false | breastImplants = true"] },
        { "with-related-resources", "standard", "C9734", "C79.51", ["increasedFractureRisk: mirelsScore exists false | mirelsScore > 7"] },
        { "with-related-resources", "standard", "61736", "G40.109", [] },
    };

    private CoverageApp App(string? catalogue) => new(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        if (catalogue is not null) builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", catalogue));
    });

    private static async Task<Questionnaire> QuestionnaireAsync(HttpClient client, string plan, string code, string diagnosis)
    {
        var order = Ehr.Order(code, diagnosis: diagnosis);
        if (code.StartsWith('C')) order.Code = new CodeableConcept(FhirSystems.Hcpcs, code);
        var (_, resource) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$questionnaire-package", Dtr.PackageRequest(Ehr.Coverage(plan), order));
        return Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(Assert.IsType<Parameters>(resource))));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task OnlyASecondWayOfReadingACriterion_IsEnabledWhenTheFirstIsNotTrue(string? catalogue, string plan, string code, string diagnosis, string[] expected)
    {
        using var app = App(catalogue);
        using var client = app.CreateClient();

        var questionnaire = await QuestionnaireAsync(client, plan, code, diagnosis);

        var enabled = questionnaire.Item.Where(i => i.EnableWhen.Count > 0).ToList();
        Assert.Equal(expected, enabled.Select(i => $"{i.LinkId}: {string.Join(" | ", i.EnableWhen.Select(Describe))}"));
        Assert.All(enabled, i => Assert.Equal(Questionnaire.EnableWhenBehavior.Any, i.EnableBehavior));
        Assert.All(questionnaire.Item.Except(enabled), i => Assert.Null(i.EnableBehavior));
        // Each condition names a question asked earlier in the form.
        foreach (var item in enabled)
            Assert.All(item.EnableWhen, w => Assert.True(questionnaire.Item.FindIndex(i => i.LinkId == w.Question) < questionnaire.Item.IndexOf(item)));
        Dtr.AssertValid(questionnaire, Dtr.StandardQuestionnaireProfile);
    }

    /// <summary>The form and the adaptive flow agree: with the first way true the second question is neither enabled nor asked; with it false, both.</summary>
    [Theory]
    [InlineData(null, "0540-fda-prosense", "ki67Percent", "10", "20", "genomicRisk")]
    [InlineData("with-related-resources", "cg-med-81-2024-01-03-hifu-bone-metastasis-pain", "mirelsScore", "5", "9", "increasedFractureRisk")]
    public async Task TheFormAndTheAdaptiveFlow_AgreeOnWhenTheSecondQuestionMatters(string? catalogue, string id, string first, string makingItTrue, string makingItFalse, string second)
    {
        using var app = App(catalogue);
        using var client = app.CreateClient();
        var (_, read) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$questionnaire-package",
            Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), $"http://localhost/fhir/Questionnaire/{id}"));
        var questionnaire = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles((Parameters)read)));
        var firstItem = questionnaire.Item.Single(i => i.LinkId == first);
        var secondItem = questionnaire.Item.Single(i => i.LinkId == second);

        foreach (var (answer, matters) in new[] { (makingItTrue, false), (makingItFalse, true) })
        {
            DataType value = firstItem.Type == Questionnaire.QuestionnaireItemType.Quantity
                ? new Quantity(decimal.Parse(answer, CultureInfo.InvariantCulture), ((Coding)firstItem.Extension.Single(e => e.Url == QuestionnaireBuilder.UnitOption).Value!).Code, FhirSystems.Ucum)
                : new FhirDecimal(decimal.Parse(answer, CultureInfo.InvariantCulture));
            Assert.Equal(matters, Enabled(secondItem, first, value));
            Assert.Equal(matters, await AdaptiveAsks(client, questionnaire, first, value, second));
        }
    }

    /// <summary>FHIR's enableWhen under "any", for one answered question (the conditions on other questions are false when it is answered).</summary>
    private static bool Enabled(Questionnaire.ItemComponent item, string question, DataType answer) => item.EnableWhen.Any(w =>
    {
        if (w.Question != question) return false;
        if (w.Operator == Questionnaire.QuestionnaireItemOperator.Exists) return ((FhirBoolean)w.Answer!).Value == true;
        var given = answer is Quantity q ? q.Value!.Value : ((FhirDecimal)answer).Value!.Value;
        var bound = w.Answer is Quantity b ? b.Value!.Value : ((FhirDecimal)w.Answer!).Value!.Value;
        return w.Operator switch
        {
            Questionnaire.QuestionnaireItemOperator.GreaterOrEqual => given >= bound,
            Questionnaire.QuestionnaireItemOperator.GreaterThan => given > bound,
            Questionnaire.QuestionnaireItemOperator.LessOrEqual => given <= bound,
            Questionnaire.QuestionnaireItemOperator.LessThan => given < bound,
            _ => throw new InvalidOperationException($"not expected here: {w.Operator}"),
        };
    });

    /// <summary>Whether $next-question, given every question up to <paramref name="first"/> asked and only that one answered, ever asks <paramref name="second"/>.</summary>
    private static async Task<bool> AdaptiveAsks(HttpClient client, Questionnaire questionnaire, string first, DataType value, string second)
    {
        var response = new QuestionnaireResponse
        {
            Questionnaire = $"{questionnaire.Url}|{questionnaire.Version}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            Subject = new ResourceReference("Patient/pat-1"),
        };
        for (var round = 0; round < 40; round++)
        {
            var (_, resource) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$next-question", response);
            response = Assert.IsType<QuestionnaireResponse>(resource);
            if (response.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Completed) return false;
            var asked = response.Contained.OfType<Questionnaire>().Single().Item[^1];
            if (asked.LinkId == second) return true;
            var item = new QuestionnaireResponse.ItemComponent { LinkId = asked.LinkId, Text = asked.Text };
            if (asked.LinkId == first) item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = value });
            response.Item.Add(item);
        }
        throw new InvalidOperationException("the questions never end");
    }

    private static string Describe(Questionnaire.EnableWhenComponent condition)
    {
        var op = condition.Operator switch
        {
            Questionnaire.QuestionnaireItemOperator.Exists => "exists",
            Questionnaire.QuestionnaireItemOperator.Equal => "=",
            Questionnaire.QuestionnaireItemOperator.NotEqual => "!=",
            Questionnaire.QuestionnaireItemOperator.GreaterThan => ">",
            Questionnaire.QuestionnaireItemOperator.LessThan => "<",
            Questionnaire.QuestionnaireItemOperator.GreaterOrEqual => ">=",
            _ => "<=",
        };
        var value = condition.Answer switch
        {
            FhirBoolean b => b.Value == true ? "true" : "false",
            Quantity q => $"{q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Code}",
            FhirDecimal d => d.Value?.ToString(CultureInfo.InvariantCulture),
            Coding c => c.Code,
            _ => condition.Answer?.ToString(),
        };
        return $"{condition.Question} {op} {value}";
    }
}
