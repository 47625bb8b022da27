using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// A rest-hook notification (R4 backport, backport-subscription-notification-r4): a history Bundle whose first entry is
/// the SubscriptionStatus, each entry with its request and response. An event notification then carries the full PAS
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
