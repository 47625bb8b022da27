using Coverage.Engine.Json;
using Coverage.Engine.Text;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.Endpoints;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// What a posted Subscription must be before it is kept: FHIR JSON; a PAS subscription (<see cref="SubscriptionRequest"/>);
/// filtering on the caller's own sending system identifiers when the operator lists them (spec-59); an endpoint this
/// server may call (<see cref="EndpointGuard"/>). Every refusal is an OperationOutcome naming the element.
/// </summary>
internal sealed class SubscriptionRules(SubscriptionOptions options, EndpointGuard guard, ChannelHeaders channelHeaders, TimeProvider time)
{
    public int MaxPerOrganisation => options.MaxPerOrganisation;

    /// <param name="id">The id in the URL of an update, which the body's id must match when it names one.</param>
    public async Task<(NewSubscription? Subscription, IResult? Failure)> ReadAsync(HttpRequest request, Caller caller, string? id, CancellationToken cancellationToken)
    {
        if (!FhirResults.SendsJson(request)) return (null, FhirResults.NotJson("the Subscription"));
        var bytes = await RequestBody.ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return Invalid("The body is empty; send a Subscription.", "Subscription");
        if (JsonText.Check(bytes, 32) is { } invalid) return Invalid($"The Subscription is invalid: {invalid.Message}.", "Subscription");
        var subscription = FhirJson.Parse<Subscription>(System.Text.Encoding.UTF8.GetString(bytes), out var problems);
        if (subscription is null) return Refuse(problems!, 400);
        if (id is not null && subscription.Id is { } bodyId && bodyId != id)
            return Invalid($"Subscription.id '{Bounded.Text(bodyId, 64)}' is not the id in the URL.", "Subscription.id");

        var read = SubscriptionRequest.Read(subscription, options.AllowHttp, time.GetUtcNow(), out var error);
        if (read is null) return Refuse(error!, 400);

        if (options.OrganisationIdentifiers.TryGetValue(caller.Tenant, out var own)
            && read.OrganisationIdentifiers.FirstOrDefault(i => !own.Contains(i, StringComparer.Ordinal)) is { } foreign)
            return Refuse(Outcomes.Of(OperationOutcome.IssueType.Forbidden,
                $"Subscription.criteria.extension: org-identifier '{Bounded.Text(foreign, 64)}' is not a sending system of your organisation; a subscription may only watch your own requests.",
                "Subscription.criteria.extension"), 403);

        var (_, refusal) = await guard.ResolveAsync(read.Endpoint.IdnHost, cancellationToken);
        if (refusal is not null) return Invalid($"Subscription.channel.endpoint: {refusal}.", "Subscription.channel.endpoint");

        return (new NewSubscription(
            SubscriptionRequest.Topic, read.FilterCriteria, read.Endpoint.AbsoluteUri, read.ContentType, SubscriptionRequest.FullResource,
            channelHeaders.Protect(read.Headers), Bounded.Column(read.Reason, 1024), read.End?.UtcDateTime,
            Math.Clamp(read.TimeoutSeconds ?? options.TimeoutSeconds, 1, options.TimeoutSeconds), read.HeartbeatSeconds), null);
    }

    private static (NewSubscription?, IResult?) Invalid(string message, string expression) => Refuse(Outcomes.Invalid(message, expression), 400);

    private static (NewSubscription?, IResult?) Refuse(OperationOutcome outcome, int status) => (null, FhirResults.Outcome(outcome, status));
}
