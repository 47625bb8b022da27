using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The Subscription resource in the CapabilityStatement (PAS spec-55): the PAS topic by the backport's
/// capabilitystatement-subscriptiontopic-canonical extension, the interactions served, $status and $events.
/// </summary>
public static class SubscriptionCapability
{
    public const string StatusOperation = "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status";
    public const string EventsOperation = "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events";

    public static CapabilityStatement.ResourceComponent Resource()
    {
        var resource = new CapabilityStatement.ResourceComponent
        {
            Type = "Subscription",
            Profile = SubscriptionRequest.PasSubscriptionProfile,
            Documentation = "PAS subscriptions (R4 Subscriptions Backport): rest-hook channel, full-resource payload, filter org-identifier; "
                + "a notification carries the PAS response Bundle when a pended request's response changes; "
                + "$events returns the events of the retention window again (a client that missed one recovers). Scopes system/Subscription.c, .r, .u, .d.",
            Interaction =
            [
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Create },
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Update },
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Delete },
            ],
            Operation =
            [
                new CapabilityStatement.OperationComponent { Name = "status", Definition = StatusOperation },
                new CapabilityStatement.OperationComponent { Name = "events", Definition = EventsOperation },
            ],
        };
        resource.Extension.Add(new Extension(SubscriptionRequest.TopicCanonicalExtension, new Canonical(SubscriptionRequest.Topic)));
        return resource;
    }
}
