namespace Coverage.Cases;

/// <summary>
/// The authenticated principal behind a call, as the server resolved it from the token or the workbench
/// session, never from a request body: who acts (for the audit trail), for which organisation (the tenant
/// whose cases it may see and whose request ids it names), with which access, and — when the caller is a
/// configured person — the reviewer it is, with the role only configuration gives.
/// </summary>
public sealed record Caller(Actor Actor, string Tenant, CallerAccess Access, Reviewer? Person = null)
{
    /// <summary>Whether the caller may see a case of this organisation.</summary>
    public bool MaySee(string tenant) => Access == CallerAccess.PayerStaff || string.Equals(Tenant, tenant, StringComparison.Ordinal);

    /// <summary>A configured physician (a person, not a machine client): the only caller who may uphold or overturn.</summary>
    public bool IsPhysician => Person is { Role: ReviewerRoles.Physician };

    /// <summary>A configured reviewer (nurse or physician).</summary>
    public bool IsReviewer => Person is not null && ReviewerRoles.All.Contains(Person.Role);
}
