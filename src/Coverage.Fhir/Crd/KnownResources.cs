using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// The resources a hook call holds — its orders, its prefetch (a search's entries included), what was read back from
/// the FHIR server — found by the references that name them. A reference is found as it was by searching them in the
/// order they came: "Type/id" first, then a URL ending in "/Type/id", then "#id" among what the call's own resources
/// contain; the first that came wins. Indexed as they are added, so that a call citing thousands of them costs no
/// more per citation than one citing a few (a search per reference was quadratic in the call's size).
/// </summary>
internal sealed class KnownResources
{
    private readonly Dictionary<string, Resource> _byTypeAndId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Resource> _contained = new(StringComparer.Ordinal);

    public void AddRange(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources) Add(resource);
    }

    /// <summary>Adds the resource; a Bundle's entries are added after it, and a resource's contained resources are found by "#id".</summary>
    public void Add(Resource resource)
    {
        Index(resource);
        if (resource is Bundle bundle)
            foreach (var entry in bundle.Entry)
                if (entry.Resource is { } inBundle) Index(inBundle);
        if (resource is DomainResource domain)
            foreach (var contained in domain.Contained)
                _contained.TryAdd("#" + contained.Id, contained);
    }

    private void Index(Resource resource) => _byTypeAndId.TryAdd($"{resource.TypeName}/{resource.Id}", resource);

    public Resource? Find(ResourceReference reference)
    {
        var target = reference.Reference;
        if (target is null) return null;
        if (_byTypeAndId.TryGetValue(target, out var found)) return found;
        if (TypeAndIdAtTheEnd(target) is { } typeAndId && _byTypeAndId.TryGetValue(typeAndId, out found) && found.Id is not null) return found;
        return _contained.GetValueOrDefault(target);
    }

    /// <summary>"Type/id" of a reference that ends in "/Type/id" after something else (a URL), else null.</summary>
    private static string? TypeAndIdAtTheEnd(string target)
    {
        var idAt = target.LastIndexOf('/');
        if (idAt <= 0) return null;
        var typeAt = target.LastIndexOf('/', idAt - 1);
        return typeAt < 0 ? null : target[(typeAt + 1)..];
    }
}
