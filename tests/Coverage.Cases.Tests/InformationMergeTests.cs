using System.Text.Json.Nodes;
using Coverage.Engine.Validation;

namespace Coverage.Cases.Tests;

/// <summary>Information is appended to a case's request, never overwrites it.</summary>
public sealed class InformationMergeTests
{
    private static JsonObject Request() => JsonNode.Parse("""
        {"clinical": {"phq9": 20}, "member": {"id": "M1"}, "serviceLines": [{"sequence": 1, "code": "90867"}, {"sequence": 2, "code": "0000T", "description": "given"}]}
        """)!.AsObject();

    [Fact]
    public void NewFactsAndDescriptions_AreAdded_AndTheDescribedLinesNamed()
    {
        var errors = new List<InputError>();
        var information = JsonNode.Parse("""{"clinical": {"failedTrials": 2}, "serviceLines": [{"sequence": 1, "description": "TMS"}], "member": {"birthDate": "1980-01-01"}}""")!.AsObject();

        var merged = InformationMerge.Merge(Request(), information, errors, out var described);

        Assert.Empty(errors);
        Assert.Equal([1], described);
        Assert.Equal(20, merged["clinical"]!["phq9"]!.GetValue<int>());
        Assert.Equal(2, merged["clinical"]!["failedTrials"]!.GetValue<int>());
        Assert.Equal("TMS", merged["serviceLines"]![0]!["description"]!.GetValue<string>());
        Assert.Equal("1980-01-01", merged["member"]!["birthDate"]!.GetValue<string>());
    }

    [Fact]
    public void WhatTheCaseHolds_IsNeverReplaced_NamingEachField()
    {
        var errors = new List<InputError>();
        var information = JsonNode.Parse("""{"clinical": {"phq9": 5}, "serviceLines": [{"sequence": 2, "description": "other"}, {"sequence": 7, "description": "x"}], "member": {"id": "M2"}}""")!.AsObject();

        InformationMerge.Merge(Request(), information, errors, out var described);

        Assert.Equal(["clinical.phq9", "serviceLines[0].description", "serviceLines[1].sequence", "member.id"], errors.Select(e => e.Field));
        Assert.Empty(described);
    }

    [Fact]
    public void NoInformation_IsRefused()
    {
        var errors = new List<InputError>();
        InformationMerge.Merge(Request(), [], errors, out _);
        Assert.Equal("$", Assert.Single(errors).Field);
    }

    [Fact]
    public void QuestionsAndTheQuestionnaire_AreKeptWithTheValues_AndNotPartOfTheRequest()
    {
        var errors = new List<InputError>();
        var information = JsonNode.Parse("""
            {"clinical": {"failedTrials": 2}, "informationOrigin": {"failedTrials": "manual"},
             "questions": {"failedTrials": "How many antidepressant trials failed?"}, "questionnaire": "https://payer.example/fhir/Questionnaire/q|sha256:ab"}
            """)!.AsObject();

        var merged = InformationMerge.Merge(Request(), information, errors, out _);

        Assert.Empty(errors);
        Assert.Null(merged["questions"]);
        Assert.Null(merged["questionnaire"]);
        Assert.Equal(2, merged["clinical"]!["failedTrials"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"clinical": {"failedTrials": 2}, "questions": {"phq9": "PHQ-9?"}}""", "questions.phq9")]
    [InlineData("""{"clinical": {"failedTrials": 2}, "questions": {"failedTrials": ""}}""", "questions.failedTrials")]
    [InlineData("""{"clinical": {"failedTrials": 2}, "questions": {"failedTrials": 3}}""", "questions.failedTrials")]
    [InlineData("""{"clinical": {"failedTrials": 2}, "questions": "text"}""", "questions")]
    [InlineData("""{"questionnaire": "https://payer.example/fhir/Questionnaire/q"}""", "questionnaire")]
    [InlineData("""{"clinical": {"failedTrials": 2}, "questionnaire": ""}""", "questionnaire")]
    public void AQuestionOrQuestionnaire_NamingNothingGiven_OrMalformed_IsRefused_NamingTheField(string json, string field)
    {
        var errors = new List<InputError>();

        InformationMerge.Merge(Request(), JsonNode.Parse(json)!.AsObject(), errors, out _);

        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void AQuestionLongerThanTheLimit_IsRefused()
    {
        var errors = new List<InputError>();
        var information = new JsonObject
        {
            ["clinical"] = new JsonObject { ["failedTrials"] = 2 },
            ["questions"] = new JsonObject { ["failedTrials"] = new string('q', InformationMerge.MaxQuestionLength + 1) },
        };

        InformationMerge.Merge(Request(), information, errors, out _);

        Assert.Contains(errors, e => e.Field == "questions.failedTrials");
    }
}
