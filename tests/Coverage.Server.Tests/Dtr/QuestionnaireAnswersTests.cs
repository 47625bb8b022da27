using Coverage.Engine.Catalogue;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// A DTR QuestionnaireResponse read as a case's information (<see cref="QuestionnaireAnswers"/>, for the REST information
/// endpoint and PAS <c>$submit</c>): the member's birth date is read exactly, as a clinical fact is — one answer an item, a
/// second statement agreeing with the first — never the first or last answer taken and the others passed over.
/// </summary>
public sealed class QuestionnaireAnswersTests
{
    private static readonly FactDefinitions Facts = CatalogueLoader.Load(CoverageApp.RepositoryRoot).Facts;

    private static QuestionnaireResponse.ItemComponent Born(params string[] dates) =>
        new() { LinkId = "member.birthDate", Answer = [.. dates.Select(d => new QuestionnaireResponse.AnswerComponent { Value = new Date(d) })] };

    private static (string? BirthDate, List<string> Problems) Read(params QuestionnaireResponse.ItemComponent[] items)
    {
        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Item = [.. items] };
        var information = QuestionnaireAnswers.ToInformation(response, Facts, "questionnaireResponse", out var problems);
        return (information?["member"]?["birthDate"]?.GetValue<string>(), [.. problems.Select(p => p.Message)]);
    }

    [Fact]
    public void OneBirthDate_OrTheSameOneInTwoItems_IsRead()
    {
        var (once, none) = Read(Born("1950-03-01"));
        var (twice, noneEither) = Read(Born("1950-03-01"), Born("1950-03-01"));

        Assert.Equal("1950-03-01", once);
        Assert.Empty(none);
        Assert.Equal("1950-03-01", twice);
        Assert.Empty(noneEither);
    }

    [Fact]
    public void TwoAnswersInOneItem_AreRefused_NamingTheItem()
    {
        var (birthDate, problems) = Read(Born("1950-03-01", "1990-03-01"));

        Assert.Null(birthDate);
        Assert.Equal("questionnaireResponse.item[0].answer: the birth date takes one answer; this item has 2", Assert.Single(problems));
    }

    [Fact]
    public void TwoItemsStatingDifferentBirthDates_AreRefused_NamingBoth()
    {
        var (birthDate, problems) = Read(Born("1950-03-01"), Born("1990-03-01"));

        Assert.Null(birthDate);
        Assert.Equal("questionnaireResponse.item[1].answer[0].valueDate: the birth date is stated twice with different values: " +
            "1990-03-01 here and 1950-03-01 at questionnaireResponse.item[0].answer[0].valueDate", Assert.Single(problems));
    }

    [Fact]
    public void ABirthDateThatIsNotAFullDate_IsRefused()
    {
        var item = new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new FhirString("1950") }] };

        Assert.Equal("questionnaireResponse.item[0].answer[0]: the birth date is a full date (valueDate yyyy-MM-dd)", Assert.Single(Read(item).Problems));
    }
}
