namespace Coverage.Cases;

/// <summary>Why a case command or query has no value; each kind is one HTTP status at the edge.</summary>
public enum StoreErrorKind
{
    /// <summary>No such case (404).</summary>
    NotFound,
    /// <summary>The case's state forbids it now (409).</summary>
    Conflict,
    /// <summary>Well-formed, but breaks a rule of the workflow (422).</summary>
    Unprocessable,
    /// <summary>The authenticated caller may not do this (403).</summary>
    Forbidden,
    /// <summary>Malformed input, with the fields at fault (400).</summary>
    Invalid,
}
