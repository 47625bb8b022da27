using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The Subscription resource the server answers (create, read): what it keeps, with its status. The channel headers
/// are not shown: a client's secrets go one way, into the server.
/// </summary>
public static class SubscriptionResource
{
    public static Subscription Build(SubscriptionSnapshot subscription)
    {
        var criteria = new FhirString(SubscriptionRequest.Topic);
        foreach (var filter in subscription.FilterCriteria.Split('&', StringSplitOptions.RemoveEmptyEntries))
            criteria.Extension.Add(new Extension(SubscriptionRequest.FilterCriteriaExtension, new FhirString(filter)));
        var payload = new Code(subscription.ContentType);
        payload.Extension.Add(new Extension(SubscriptionRequest.PayloadContentExtension, new Code(SubscriptionRequest.FullResource)));
        var channel = new Subscription.ChannelComponent
        {
            Type = Subscription.SubscriptionChannelType.RestHook,
            Endpoint = subscription.Endpoint,
            PayloadElement = payload,
        };
        if (subscription.HeartbeatSeconds is { } heartbeat) channel.Extension.Add(new Extension(SubscriptionRequest.HeartbeatExtension, new UnsignedInt(heartbeat)));
        channel.Extension.Add(new Extension(SubscriptionRequest.TimeoutExtension, new UnsignedInt(subscription.TimeoutSeconds)));
        return new Subscription
        {
            Id = subscription.Id,
            Meta = new Meta { Profile = [SubscriptionRequest.BackportSubscriptionProfile, SubscriptionRequest.PasSubscriptionProfile] },
            Status = Status(subscription.Status),
            End = subscription.End,
            Reason = subscription.Reason ?? "PAS: notifications of pended prior authorization responses.",
            CriteriaElement = criteria,
            Error = subscription.Error,
            Channel = channel,
        };
    }

    public static Subscription.SubscriptionStatus Status(string status) => status switch
    {
        "requested" => Subscription.SubscriptionStatus.Requested,
        "active" => Subscription.SubscriptionStatus.Active,
        "error" => Subscription.SubscriptionStatus.Error,
        _ => Subscription.SubscriptionStatus.Off,
    };
}
