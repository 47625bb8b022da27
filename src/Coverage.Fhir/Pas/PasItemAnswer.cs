using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The PAS 2.2.1 item extensions of a ClaimResponse item beyond its review action: what it repeats of the submitted
/// item (<see cref="Repeat"/>), and what a certification states (<see cref="Certify"/>). Elements this payer never
/// populates (admission and discharge dates, added items, the item's diagnoses) are listed with their reasons in docs/crd-pas.md, "PAS
/// must-support elements in responses".
/// </summary>
public static class PasItemAnswer
{
    /// <summary>
    /// Repeats the submitted item: its trace numbers (itemTraceNumber), the date or period requested
    /// (requestedServiceDate) and a previous authorization number it quoted (previousAuthorizationNumber: REF*BB).
    /// Nothing when the item is not known as submitted (<paramref name="echo"/> null). Not its diagnoses
    /// (communicatedDiagnosis): PAS 2.2.1's extension does not allow ClaimResponse.item as its context, so a response
    /// carrying it is invalid (docs/decisions.md).
    /// </summary>
    public static void Repeat(ClaimResponse.ItemComponent item, PasItemEcho? echo)
    {
        if (echo is null) return;
        foreach (var trace in echo.TraceNumbers) item.Extension.Add(new Extension(PasSystems.ItemTraceNumber, (Identifier)trace.DeepCopy()));
        var requested = echo.RequestedService switch
        {
            // The extension takes a dateTime or a Period; a date is a dateTime of day precision.
            Date { Value: { } day } => new FhirDateTime(day),
            Period period => (DataType)period.DeepCopy(),
            _ => null,
        };
        if (requested is not null) item.Extension.Add(new Extension(PasSystems.ItemRequestedServiceDate, requested));
        if (echo.PreviousAuthorizationNumber is { } previous) item.Extension.Add(new Extension(PasSystems.AuthorizationNumber, new FhirString(previous)));
    }

    /// <summary>
    /// What a certified (A1) item states: the date its authorization was issued (preAuthIssueDate), the period it holds
    /// for (preAuthPeriod: the date of service it was decided for; the catalogue holds no validity window beyond it),
    /// who it authorizes (authorizedProvider: the care team members the item named) and what it authorizes
    /// (authorizedItemDetail: the item as submitted, since it is certified as requested).
    /// </summary>
    public static void Certify(ClaimResponse.ItemComponent item, PriorAuthorizationLine line, PasItemEcho? echo, AuthorizedProviders providers, DateOnly issuedOn)
    {
        item.Extension.Add(new Extension(PasSystems.ItemPreAuthIssueDate, new Date(Iso(issuedOn))));
        if (line.DateOfService is { } day) item.Extension.Add(new Extension(PasSystems.ItemPreAuthPeriod, new Period(new FhirDateTime(Iso(day)), new FhirDateTime(Iso(day)))));
        if (echo is null) return;
        foreach (var member in echo.CareTeam)
            if (providers.Authorize(member) is { } authorized) item.Extension.Add(authorized);
        item.Extension.Add(Detail(line, echo));
    }

    /// <summary>
    /// extension-itemAuthorizedDetail: the item's code (the coding decided), modifiers, quantity and unit price, as
    /// submitted. Not its EPSDT, nursing-home, revenue or code-range-end detail: PAS 2.2.1's extensions for those do not
    /// allow this extension as their context, so an answer carrying them is invalid (docs/decisions.md).
    /// </summary>
    private static Extension Detail(PriorAuthorizationLine line, PasItemEcho echo)
    {
        var detail = new Extension { Url = PasSystems.ItemAuthorizedDetail };
        var coding = echo.ProductOrService?.Coding.FirstOrDefault(c => string.Equals(c.Code, line.Code, StringComparison.OrdinalIgnoreCase));
        if (coding is not null) detail.Extension.Add(new Extension("productOrServiceCode", new CodeableConcept { Coding = [(Coding)coding.DeepCopy()] }));
        foreach (var modifier in echo.Modifiers) detail.Extension.Add(new Extension("modifier", (CodeableConcept)modifier.DeepCopy()));
        if (echo.UnitPrice is { } price) detail.Extension.Add(new Extension("unitPrice", (Money)price.DeepCopy()));
        if (echo.Quantity is { } quantity) detail.Extension.Add(new Extension("quantity", (Quantity)quantity.DeepCopy()));
        return detail;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
