using System.Text.Json;

namespace Coverage.Fhir.Crd;

/// <summary>A link of an External Reference card: always <c>absolute</c> (CRD 2.0.1 cards.html, 2.0.1@259).</summary>
public sealed record CardLink(string Label, string Url);

/// <summary>
/// One CDS Hooks card of a CRD answer (CRD 2.0.1 "potential CRD response types"): an External Reference card has links,
/// an Instructions card has none. Never coverage information, which only the order update carries (resp-25).
/// </summary>
/// <param name="Topic">The card type (source.topic): its system, code and display.</param>
/// <param name="Associated">The orders the card is about, as local references (CRD's davinci-crd.associated-resource).</param>
public sealed record CrdCard(string Summary, string Detail, (string System, string Code, string Display) Topic, IReadOnlyList<string> Associated, IReadOnlyList<CardLink> Links)
{
    /// <summary>CDS Hooks: "summary … SHOULD be less than 140 characters"; the Inferno CRD kit fails 140 and more.</summary>
    public const int MaxSummary = 139;

    /// <summary>
    /// Writes the card: a fresh uuid, indicator info (coverage guidance, not a warning about the patient), the insurer's
    /// name as source label (2.0.1@230), the summary cut to <see cref="MaxSummary"/> characters.
    /// </summary>
    public void Write(Utf8JsonWriter writer, string payer, Guid uuid)
    {
        writer.WriteStartObject();
        writer.WriteString("uuid", uuid.ToString());
        writer.WriteString("summary", Summary.Length <= MaxSummary ? Summary : Summary[..(MaxSummary - 1)] + "…");
        writer.WriteString("detail", Detail);
        writer.WriteString("indicator", "info");
        writer.WriteStartObject("source");
        writer.WriteString("label", payer);
        writer.WriteStartObject("topic");
        writer.WriteString("system", Topic.System);
        writer.WriteString("code", Topic.Code);
        writer.WriteString("display", Topic.Display);
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (Links.Count > 0)
        {
            writer.WriteStartArray("links");
            foreach (var link in Links)
            {
                writer.WriteStartObject();
                writer.WriteString("label", link.Label);
                writer.WriteString("url", link.Url);
                writer.WriteString("type", "absolute");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteStartObject("extension");
        writer.WriteStartArray(CrdCards.AssociatedResourceExtension);
        foreach (var reference in Associated) writer.WriteStringValue(reference);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
