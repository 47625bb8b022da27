using System.Globalization;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>An order the hook call answers, what we assert of it, and the policy that decided it (none when none did).</summary>
public sealed record AnsweredOrder(Resource Order, CoverageAssertion Assertion, PolicyReference? Policy, string? Description);

/// <summary>
/// The cards a CRD answer carries beside the coverage information (CRD 2.0.1 cards.html: a server SHALL be able to return
/// External Reference and Instructions cards, 2.0.1@248, @249), neither repeating what the order update says (resp-25):
/// an External Reference card per policy that decided an order, linking the policy version people can read; one
/// Instructions card for the orders that need a prior authorization, saying where it is requested and by when the
/// member's plan decides it. Each is a configuration option (<see cref="CrdConfiguration"/>).
/// </summary>
public static class CrdCards
{
    /// <summary>CRD's card extension naming the context resources a card is about (2.0.1 deviations.html, "Linking cards to requests").</summary>
    public const string AssociatedResourceExtension = "davinci-crd.associated-resource";

    /// <summary>CRD 2.0.1 card type "guideline": a guideline is available for the proposed therapy, with an option to view it.</summary>
    public static readonly (string System, string Code, string Display) Guideline = (FhirSystems.CrdTemp, "guideline", "Guideline");

    /// <summary>
    /// This payer's card type for how and by when a prior authorization is decided: no CRD card type is about that
    /// (coverage-info is whether one is needed, which the order update says); the binding is extensible (2.0.1@121).
    /// </summary>
    public static readonly (string System, string Code, string Display) PriorAuthInstructions =
        ("https://coverage.payer.example/fhir/CodeSystem/crd-card-type", "prior-auth-instructions", "Prior authorization instructions");

    /// <summary>One External Reference card per policy version that decided any of the orders, naming the orders it decided.</summary>
    public static IEnumerable<CrdCard> PolicyLinks(IEnumerable<AnsweredOrder> answered, Func<PolicyReference, string> policyUrl) =>
        answered.Where(a => a.Policy is not null)
            .GroupBy(a => (a.Policy!.Id, a.Policy.Version))
            .Select(group =>
            {
                var policy = group.First().Policy!;
                var orders = group.ToList();
                var name = $"{policy.Title} (policy {policy.Id}, version {policy.Version})";
                return new CrdCard(
                    $"Coverage policy {policy.Id}: {policy.Title}",
                    $"The coverage policy this payer applied to {Names(orders)}: {name}. It sets out the criteria and the evidence the coverage information on the order is based on.",
                    Guideline, [.. orders.Select(Reference)], [new CardLink(name, policyUrl(policy))]);
            });

    /// <summary>
    /// The Instructions card for the orders whose coverage information says a prior authorization is needed: requested
    /// through this payer's PAS service at <paramref name="submitUrl"/>, decided within the plan's timeframes. None when no
    /// order needs one.
    /// </summary>
    public static CrdCard? PriorAuthorization(IEnumerable<AnsweredOrder> answered, string payer, string submitUrl, TimeSpan standard, TimeSpan expedited)
    {
        var needing = answered.Where(a => a.Assertion.PaNeeded == "auth-needed").ToList();
        if (needing.Count == 0) return null;
        var codes = string.Join(", ", needing.Select(Code).Distinct(StringComparer.Ordinal));
        return new CrdCard(
            $"Prior authorization for {codes}: request it from {payer} through PAS",
            $"Request prior authorization for {Names(needing)} from {payer} with a Da Vinci PAS request (POST {submitUrl}). " +
            $"Under the member's plan a standard request is decided within {Duration(standard)}, an expedited one within {Duration(expedited)}.",
            PriorAuthInstructions, [.. needing.Select(Reference)], []);
    }

    /// <summary>A timeframe as the regulations write it: hours up to 72 (or not whole days), else calendar days.</summary>
    public static string Duration(TimeSpan timeframe) => timeframe.TotalHours <= 72 || timeframe.TotalDays % 1 != 0
        ? $"{timeframe.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} hours"
        : $"{timeframe.TotalDays.ToString("0", CultureInfo.InvariantCulture)} calendar days";

    private static string Reference(AnsweredOrder answered) => $"{answered.Order.TypeName}/{answered.Order.Id}";

    private static string Code(AnsweredOrder answered) => answered.Assertion.BillingCode?.Code ?? answered.Order.TypeName;

    /// <summary>The orders as a user recognises them (2.0.1@140: a card about some of the orders says which, not by bare id).</summary>
    private static string Names(IReadOnlyList<AnsweredOrder> orders) =>
        string.Join("; ", orders.Select(a => a.Description is { Length: > 0 } text ? $"{Code(a)} ({text})" : Code(a)));
}
