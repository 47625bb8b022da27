namespace Coverage.Fhir;

/// <summary>
/// Where people read a policy version (the server's <c>/policies/{id}?version=</c> page, which CRD cards and coverage
/// information point at): the id and the version escaped, since both are the payer's own text — a catalogue accepts any
/// policy id its folder can carry — and a link must name its page exactly (a space or a <c>#</c> would end or break it).
/// </summary>
public static class PolicyPageLink
{
    /// <param name="pagesUrl">The policy pages' base, absolute or relative (e.g. <c>/policies</c>).</param>
    public static string For(string pagesUrl, string policyId, string version) =>
        $"{pagesUrl.TrimEnd('/')}/{Uri.EscapeDataString(policyId)}?version={Uri.EscapeDataString(version)}";
}
