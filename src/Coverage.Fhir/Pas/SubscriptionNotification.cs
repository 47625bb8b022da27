using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// A rest-hook notification (R4 backport, backport-subscription-notification-r4): a history Bundle whose first entry is
/// the SubscriptionStatus, each entry with its request and response (the answer of $events is one too). An event notification then carries the full PAS
/// response Bundle (spec-61), the event's focus, as the PAS IG's own example notification (PASSubscriptionNotification)
/// does; a handshake and a heartbeat carry nothing more.
/// </summary>
public static class SubscriptionNotification
{
    /// <param name="baseUrl">The FHIR base URL (…/fhir).</param>
    public static Bundle Handshake(SubscriptionSnapshot subscription, string baseUrl, DateTimeOffset now)
    {
        var bundle = Shell(now);
        bundle.Entry.Add(StatusEntry(subscription, baseUrl, SubscriptionStatusParameters.Build(subscription, Url(baseUrl, subscription), "handshake", "requested", 0), now));
        return bundle;
    }

    /// <summary>
    /// A heartbeat (keep-alive): the status alone, type heartbeat, with the events counted so far (a heartbeat is not
    /// one of them) and no notification-event.
    /// </summary>
    public static Bundle Heartbeat(SubscriptionSnapshot subscription, string baseUrl, DateTimeOffset now)
    {
        var bundle = Shell(now);
        bundle.Entry.Add(StatusEntry(subscription, baseUrl,
            SubscriptionStatusParameters.Build(subscription, Url(baseUrl, subscription), "heartbeat", subscription.Status, subscription.EventsSinceStart), now));
        return bundle;
    }

    /// <param name="response">The PAS response Bundle of the case, as it stands now (PasResponse.Build).</param>
    public static Bundle Event(SubscriptionSnapshot subscription, string baseUrl, long eventNumber, DateTimeOffset eventAt, Bundle response, DateTimeOffset now)
    {
        response.Id ??= Guid.CreateVersion7(now).ToString("N");
        var responseUrl = $"{baseUrl}/Bundle/{response.Id}";
        var status = SubscriptionStatusParameters.Build(subscription, Url(baseUrl, subscription), "event-notification", subscription.Status, eventNumber);
        var notificationEvent = new Parameters.ParameterComponent { Name = "notification-event" };
        notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "event-number", Value = new FhirString(eventNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "timestamp", Value = new Instant(eventAt) });
        notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "focus", Value = new ResourceReference(responseUrl) });
        status.Parameter.Add(notificationEvent);

        var bundle = Shell(now);
        bundle.Entry.Add(StatusEntry(subscription, baseUrl, status, now));
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = responseUrl,
            Resource = response,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = responseUrl },
            Response = new Bundle.ResponseComponent { Status = "200" },
        });
        return bundle;
    }

    /// <summary>
    /// The answer of $events (backport-subscription-events): a history Bundle like a notification, its status of type
    /// query-event with one notification-event per event asked for, in number order, each with its focus — the case's
    /// PAS response Bundle, one entry per case however many of the events are about it — when the case is still kept
    /// and the content asked for is not empty.
    /// </summary>
    /// <param name="events">The events, in number order; <see cref="QueriedEvent.Response"/> null when the case is no longer kept or none is wanted.</param>
    public static Bundle Events(SubscriptionSnapshot subscription, string baseUrl, IReadOnlyList<QueriedEvent> events, DateTimeOffset now)
    {
        var status = SubscriptionStatusParameters.Build(subscription, Url(baseUrl, subscription), "query-event", subscription.Status, subscription.EventsSinceStart);
        var bundle = Shell(now);
        bundle.Entry.Add(StatusEntry(subscription, baseUrl, status, now));
        var focusOf = new Dictionary<Bundle, string>(ReferenceEqualityComparer.Instance);
        foreach (var queried in events)
        {
            var notificationEvent = new Parameters.ParameterComponent { Name = "notification-event" };
            notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "event-number", Value = new FhirString(queried.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
            notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "timestamp", Value = new Instant(queried.At) });
            if (queried.Response is { } response)
            {
                if (!focusOf.TryGetValue(response, out var responseUrl))
                {
                    response.Id ??= Guid.CreateVersion7(now).ToString("N");
                    responseUrl = $"{baseUrl}/Bundle/{response.Id}";
                    focusOf.Add(response, responseUrl);
                    bundle.Entry.Add(new Bundle.EntryComponent
                    {
                        FullUrl = responseUrl,
                        Resource = response,
                        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = responseUrl },
                        Response = new Bundle.ResponseComponent { Status = "200" },
                    });
                }
                notificationEvent.Part.Add(new Parameters.ParameterComponent { Name = "focus", Value = new ResourceReference(responseUrl) });
            }
            status.Parameter.Add(notificationEvent);
        }
        return bundle;
    }

    private static Bundle Shell(DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now).ToString("N"),
        Meta = new Meta { Profile = ["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4"] },
        Type = Bundle.BundleType.History,
        Timestamp = now,
    };

    private static Bundle.EntryComponent StatusEntry(SubscriptionSnapshot subscription, string baseUrl, Parameters status, DateTimeOffset now) => new()
    {
        FullUrl = $"urn:uuid:{Guid.CreateVersion7(now)}",
        Resource = status,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"{Url(baseUrl, subscription)}/$status" },
        Response = new Bundle.ResponseComponent { Status = "200" },
    };

    private static string Url(string baseUrl, SubscriptionSnapshot subscription) => $"{baseUrl}/Subscription/{subscription.Id}";
}
