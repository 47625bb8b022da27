using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// The request Bundle a PAS <c>$submit</c> or <c>$inquire</c> body carries: the Bundle itself, or the one
/// <c>resource</c> parameter of a Parameters (the PAS OperationDefinitions' input), as a client may wrap it.
/// </summary>
public static class PasOperationInput
{
    /// <summary>The Bundle of <paramref name="body"/>; null with the problem (naming the element) when it carries none.</summary>
    public static Bundle? BundleOf(Resource body, out OperationOutcome? problem)
    {
        problem = null;
        switch (body)
        {
            case Bundle bundle:
                return bundle;
            case Parameters parameters when parameters.Parameter.Where(p => p.Name == PasSystems.ResourceParameter).ToList() is [{ Resource: Bundle wrapped }]:
                return wrapped;
            case Parameters:
                problem = Outcomes.Invalid($"A Parameters must carry the request Bundle as exactly one parameter '{PasSystems.ResourceParameter}'.", "Parameters.parameter");
                return null;
            default:
                problem = Outcomes.Invalid($"Expected a Bundle, got a {body.TypeName}.", "Bundle");
                return null;
        }
    }
}
