using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The providers a certification authorizes, as PAS extension-itemAuthorizedProvider names them: a care team member the
/// certified item named in the submission, as a Practitioner or Organization of the submission's Bundle (the
/// extension allows no PractitionerRole: a role stands for its practitioner, else its organisation), with the role and
/// qualification the submission gave it. A member whose resource is not in the Bundle is not named: the answer refers
/// only to what it carries. The resources named are collected to be carried in the response Bundle.
/// </summary>
public sealed class AuthorizedProviders(Bundle submission)
{
    private readonly List<Bundle.EntryComponent> _entries = [];

    /// <summary>The submission's entries of the providers named so far, to carry in the response Bundle.</summary>
    public IReadOnlyList<Bundle.EntryComponent> Entries => _entries;

    /// <summary>The itemAuthorizedProvider extension for a care team member; null when its provider is not in the submission.</summary>
    public Extension? Authorize(Claim.CareTeamComponent member)
    {
        var entry = PasRequest.Find(submission, member.Provider);
        if (entry?.Resource is PractitionerRole role)
            entry = PasRequest.Find(submission, role.Practitioner) ?? PasRequest.Find(submission, role.Organization);
        if (entry?.Resource is not (Practitioner or Organization)) return null;
        if (!_entries.Contains(entry)) _entries.Add(entry);

        var authorized = new Extension { Url = PasSystems.ItemAuthorizedProvider };
        authorized.Extension.Add(new Extension("provider", new ResourceReference(entry.FullUrl ?? $"{entry.Resource.TypeName}/{entry.Resource.Id}")));
        if (member.Role is { } memberRole) authorized.Extension.Add(new Extension("role", (CodeableConcept)memberRole.DeepCopy()));
        if (member.Qualification is { } qualification) authorized.Extension.Add(new Extension("qualification", (CodeableConcept)qualification.DeepCopy()));
        return authorized;
    }
}
