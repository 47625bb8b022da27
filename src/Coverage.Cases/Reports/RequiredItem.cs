namespace Coverage.Cases;

/// <summary>An item or service that requires prior authorization: a code a policy of the catalogue governs, and that policy.</summary>
public sealed record RequiredItem(string Code, string System, string Description, string PolicyId, string PolicyTitle);
