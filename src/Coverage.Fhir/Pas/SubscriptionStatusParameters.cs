using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The R4 backport SubscriptionStatus (a Parameters, profile backport-subscription-status-r4): in every notification,
/// first, and in the answer of $status (a searchset Bundle of them, as the backport's $status operation defines).
/// </summary>
public static class SubscriptionStatusParameters
{
    public const string Profile = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

    /// <param name="type">handshake, event-notification or query-status.</param>
    /// <param name="status">The subscription's status as this is sent (a handshake goes out while it is still requested).</param>
    /// <param name="subscriptionUrl">The Subscription's full URL.</param>
    public static Parameters Build(SubscriptionSnapshot subscription, string subscriptionUrl, string type, string status, long eventsSinceStart)
    {
        var parameters = new Parameters { Meta = new Meta { Profile = [Profile] } };
        parameters.Add("subscription", new ResourceReference(subscriptionUrl));
        parameters.Add("topic", new Canonical(SubscriptionRequest.Topic));
        parameters.Add("status", new Code(status));
        parameters.Add("type", new Code(type));
        parameters.Add("events-since-subscription-start", new FhirString(eventsSinceStart.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (subscription.Error is { } error && status == "error")
            parameters.Add("error", new CodeableConcept { Text = error });
        return parameters;
    }

    /// <summary>GET Subscription/{id}/$status: a searchset Bundle with the subscription's status.</summary>
    public static Bundle Search(SubscriptionSnapshot subscription, string subscriptionUrl, DateTimeOffset now) =>
        Search([(subscription, subscriptionUrl)], now);

    /// <summary>
    /// $status at the type level (GET Subscription/$status): a searchset Bundle with one status per subscription, none
    /// when none is found (the operation's `return` is "one or more subscription status resources, one per Subscription
    /// being queried").
    /// </summary>
    public static Bundle Search(IReadOnlyList<(SubscriptionSnapshot Subscription, string Url)> subscriptions, DateTimeOffset now)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Timestamp = now, Total = subscriptions.Count };
        foreach (var (subscription, url) in subscriptions)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}",
                Resource = Build(subscription, url, "query-status", subscription.Status, subscription.EventsSinceStart),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }
}
