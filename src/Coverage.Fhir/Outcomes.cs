using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir;

/// <summary>OperationOutcomes for the errors the FHIR and CDS Hooks endpoints answer with; diagnostics repeat at most a bounded part of the input (<see cref="InputEcho"/>).</summary>
public static class Outcomes
{
    public static OperationOutcome Invalid(string message, string? expression = null) =>
        Of(OperationOutcome.IssueType.Invalid, message, expression);

    public static OperationOutcome Invalid(IEnumerable<string> messages)
    {
        var outcome = new OperationOutcome();
        foreach (var message in messages)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Invalid,
                Diagnostics = InputEcho.Message(message),
            });
        if (outcome.Issue.Count == 0) return Invalid("The request is invalid.");
        return outcome;
    }

    /// <summary>One error issue per problem, each naming the element it is about.</summary>
    public static OperationOutcome Invalid(IEnumerable<(string Message, string? Expression)> problems)
    {
        var outcome = new OperationOutcome();
        foreach (var (message, expression) in problems)
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Invalid,
                Diagnostics = InputEcho.Message(message),
            };
            if (expression is not null) issue.Expression = [InputEcho.Truncate(expression, 128)];
            outcome.Issue.Add(issue);
        }
        if (outcome.Issue.Count == 0) return Invalid("The request is invalid.");
        return outcome;
    }

    public static OperationOutcome Of(OperationOutcome.IssueType type, string message, string? expression = null)
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = type,
            Diagnostics = InputEcho.Message(message),
        };
        if (expression is not null) issue.Expression = [InputEcho.Truncate(expression, 128)];
        return new OperationOutcome { Issue = [issue] };
    }
}
