using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// What an adaptive form's response may answer (<see cref="AdaptiveAnswers"/>): the questions its contained Questionnaire
/// asks, each in one item, one answer unless the form's own definition says the question repeats.
/// </summary>
public sealed class AdaptiveAnswersTests
{
    /// <summary>The form's questions: the birth date takes one answer, the diagnoses any number.</summary>
    private static readonly Dictionary<string, bool> Form = new(StringComparer.Ordinal) { ["member.birthDate"] = false, ["diagnoses"] = true };

    private static Questionnaire Asked(params string[] linkIds) =>
        new() { Id = "adaptive", Item = [.. linkIds.Select(id => new Questionnaire.ItemComponent { LinkId = id, Type = Questionnaire.QuestionnaireItemType.String })] };

    private static QuestionnaireResponse Response(Questionnaire? contained, params QuestionnaireResponse.ItemComponent[] items)
    {
        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, Item = [.. items] };
        if (contained is not null) response.Contained.Add(contained);
        return response;
    }

    private static QuestionnaireResponse.ItemComponent Item(string linkId, params DataType[] answers) =>
        new() { LinkId = linkId, Answer = [.. answers.Select(a => new QuestionnaireResponse.AnswerComponent { Value = a })] };

    private static List<string> Problems(QuestionnaireResponse response) =>
        [.. AdaptiveAnswers.Check(response, response.Contained.OfType<Questionnaire>().FirstOrDefault(), Form).Select(p => p.Message)];

    [Fact]
    public void AnswersToTheQuestionsAsked_OneEach_AndSeveralToARepeatingQuestion_AreAccepted()
    {
        var response = Response(Asked("member.birthDate", "diagnoses"),
            Item("member.birthDate", new Date("1950-03-01")), Item("diagnoses", new FhirString("C50.412"), new FhirString("I10")));

        Assert.Empty(Problems(response));
    }

    [Theory]
    [InlineData("1990-03-01")] // different: which would count?
    [InlineData("1950-03-01")] // the same: still not what the form allows
    public void TwoAnswersToAQuestionThatDoesNotRepeat_AreRefused_NamingTheItemsAnswers(string second)
    {
        var response = Response(Asked("member.birthDate"), Item("member.birthDate", new Date("1950-03-01"), new Date(second)));

        var problem = Assert.Single(Problems(response));
        Assert.StartsWith("QuestionnaireResponse.item[0].answer: 'member.birthDate' takes one answer (the question does not repeat); this item has 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AContainedQuestionnaireThatSaysTheQuestionRepeats_DoesNotMakeItRepeat()
    {
        var edited = Asked("member.birthDate");
        edited.Item[0].Repeats = true;
        var response = Response(edited, Item("member.birthDate", new Date("1950-03-01"), new Date("1990-03-01")));

        Assert.Contains("takes one answer", Assert.Single(Problems(response)), StringComparison.Ordinal);
    }

    [Fact]
    public void AQuestionAnsweredInTwoItems_IsRefusedAtTheSecond()
    {
        var response = Response(Asked("member.birthDate"), Item("member.birthDate", new Date("1950-03-01")), Item("member.birthDate", new Date("1950-03-01")));

        Assert.StartsWith("QuestionnaireResponse.item[1].linkId: 'member.birthDate' is answered in two items", Assert.Single(Problems(response)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnswersToQuestionsNotAsked_OrWithNoQuestionAskedYet_AreRefused()
    {
        var notAsked = Response(Asked("member.birthDate"), Item("diagnoses", new FhirString("C50.412")));
        var nothingAsked = Response(null, Item("member.birthDate", new Date("1950-03-01")));

        Assert.StartsWith("QuestionnaireResponse.item[0].linkId: 'diagnoses' is not a question of the form '#adaptive'", Assert.Single(Problems(notAsked)), StringComparison.Ordinal);
        Assert.Contains("no question has been asked yet", Assert.Single(Problems(nothingAsked)), StringComparison.Ordinal);
    }

    [Fact]
    public void AContainedQuestionnaireAskingWhatTheFormDoesNot_OrAskingTwice_OrNestingItems_IsRefused()
    {
        var form = Asked("member.birthDate", "member.birthDate", "tumourStage");
        form.Item[0].Item.Add(new Questionnaire.ItemComponent { LinkId = "inner" });

        var problems = Problems(Response(form));

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("contained[0].item[0].item: this form's questions hold no items of their own", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("contained[0].item[1].linkId: 'member.birthDate' is asked twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("contained[0].item[2].linkId: 'tumourStage' is not a question of this form", StringComparison.Ordinal));
    }

    [Fact]
    public void AnswersHoldingItems_AreRefused()
    {
        var item = Item("member.birthDate", new Date("1950-03-01"));
        item.Answer[0].Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "inner" });

        Assert.StartsWith("QuestionnaireResponse.item[0].answer[0].item: this form's questions hold no items of their own",
            Assert.Single(Problems(Response(Asked("member.birthDate"), item))), StringComparison.Ordinal);
    }
}
