using System.Globalization;
using Coverage.Engine.Json;
using Coverage.Engine.Text;
using Coverage.Fhir;
using Coverage.Server.Endpoints;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// The inputs of $events (backport-subscription-events): eventsSinceNumber and eventsUntilNumber (FHIR strings holding
/// event numbers, inclusive bounds) and content (a hint: empty leaves out the focus; id-only and full-resource both get
/// the full resource, as no focus of ours has a URL it could be read at), from the query of a GET or the Parameters of a
/// POST. Each refusal is a 400 OperationOutcome naming the parameter.
/// </summary>
internal sealed record EventsQuery(long? Since, long? Until, bool WithContent)
{
    public static async Task<(EventsQuery? Query, IResult? Failure)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? since, until, content;
        if (HttpMethods.IsPost(request.Method))
        {
            // A body of text/plain was read as Parameters; every other FHIR write answers 415.
            if (request.ContentLength is not 0 && !FhirResults.SendsJson(request)) return (null, FhirResults.NotJson("the Parameters"));
            var bytes = await RequestBody.ReadAsync(request, cancellationToken);
            if (bytes.Length == 0) (since, until, content) = (null, null, null);
            else
            {
                if (JsonText.Check(bytes, 32) is { } invalid) return Invalid($"The Parameters are invalid: {invalid.Message}.", "Parameters");
                var parameters = FhirJson.Parse<Parameters>(System.Text.Encoding.UTF8.GetString(bytes), out var problems);
                if (parameters is null) return (null, FhirResults.Outcome(problems!, 400));
                if (parameters.Parameter.FirstOrDefault(p => p.Name is not ("eventsSinceNumber" or "eventsUntilNumber" or "content")) is { } unknown)
                    return Invalid($"$events takes eventsSinceNumber, eventsUntilNumber and content; not '{Bounded.Text(unknown.Name ?? "", 64)}'.", "Parameters.parameter");
                (since, until, content) = (Single(parameters, "eventsSinceNumber"), Single(parameters, "eventsUntilNumber"), Single(parameters, "content"));
            }
        }
        else
        {
            // A parameter $events does not take was passed over, and one given twice read as both joined by a comma.
            if (QueryParameters.Problem(request.Query, GetParameters) is { } wrong) return Invalid($"{wrong.Name}: {wrong.Message}.", wrong.Name);
            (since, until, content) = (request.Query["eventsSinceNumber"], request.Query["eventsUntilNumber"], request.Query["content"]);
        }
        if (!TryNumber(since, out var from)) return Invalid("eventsSinceNumber must be an event number (a whole number from 1).", "eventsSinceNumber");
        if (!TryNumber(until, out var to)) return Invalid("eventsUntilNumber must be an event number (a whole number from 1).", "eventsUntilNumber");
        if (from > to) return Invalid($"eventsSinceNumber ({from}) is after eventsUntilNumber ({to}).", "eventsSinceNumber");
        if (content is not (null or "empty" or "id-only" or "full-resource"))
            return Invalid($"content must be empty, id-only or full-resource, not '{Bounded.Text(content, 32)}'.", "content");
        return (new EventsQuery(from, to, content != "empty"), null);
    }

    /// <summary>The value of a parameter given at most once, as text (the IG types them string and code; a number is taken too).</summary>
    private static string? Single(Parameters parameters, string name)
    {
        var given = parameters.Parameter.Where(p => p.Name == name).ToList();
        return given.Count == 0 ? null : given[0].Value switch
        {
            PrimitiveType primitive when given.Count == 1 => primitive.ToString() ?? "",
            _ => "\u0000", // given twice or not as a value: refused below with the parameter's name
        };
    }

    private static readonly string[] GetParameters = ["eventsSinceNumber", "eventsUntilNumber", "content", "_format"];

    private static bool TryNumber(string? text, out long? number)
    {
        number = null;
        if (text is null) return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1) return false;
        number = value;
        return true;
    }

    private static (EventsQuery?, IResult?) Invalid(string message, string expression) => (null, FhirResults.Outcome(Outcomes.Invalid(message, expression), 400));
}
