using Coverage.Engine.Model;

namespace Coverage.Engine.Validation;

/// <summary>Either a valid request or the input errors that keep it from being one.</summary>
public sealed record RequestReadResult(CoverageRequest? Request, IReadOnlyList<InputError> Errors)
{
    public bool IsValid => Request is not null;
}
