using System.Security.Cryptography;
using System.Text;
using Coverage.Engine.Validation;

namespace Coverage.Fhir.Crd;

/// <summary>
/// The request id under which one order of a hook call is evaluated: "{hookInstance}/{resource type}/{order id}",
/// readable in the trace, when that is a valid request id (printable ASCII, at most <see cref="Identifiers.MaxLength"/>
/// characters). CDS Hooks makes the hookInstance a UUID, but a client may send any string; a longer or non-ASCII one
/// would make the id invalid and every order "not assessed" although nothing about the order is wrong. Such an id is
/// replaced by a digest of the same text: the same call and order still give the same id, and nothing is cut off that
/// could make two orders share one.
/// </summary>
public static class OrderRequestId
{
    public const string DigestPrefix = "crd-sha256-";

    public static string For(string hookInstance, string resourceType, string? orderId)
    {
        var id = $"{hookInstance}/{resourceType}/{orderId}";
        if (id.Length <= Identifiers.MaxLength && Identifiers.IsPrintableAscii(id)) return id;
        return DigestPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }
}
