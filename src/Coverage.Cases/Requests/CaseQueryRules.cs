using Coverage.Engine.Validation;

namespace Coverage.Cases;

/// <summary>What a list of cases may ask for: known statuses, filter words that are ids, a page within bounds.</summary>
public static class CaseQueryRules
{
    public const int MaxPageSize = 100;
    /// <summary>Pages beyond this are refused: (page - 1) * size must never overflow, and nobody pages a million deep.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>The query's faults, each naming its parameter; none for a query that may run.</summary>
    public static IReadOnlyList<InputError> Validate(CaseQuery query)
    {
        var errors = new List<InputError>();
        foreach (var status in query.Statuses)
            if (!CaseStatus.All.Contains(status))
                errors.Add(new InputError("status", $"'{status}' is not one of {string.Join(", ", CaseStatus.All)}"));
        if (query.Modality is { } m && !IsFilterWord(m)) errors.Add(new InputError("modality", $"'{m}' is not a modality id (letters, digits, '-', '.')"));
        if (query.Policy is { } p && !IsFilterWord(p)) errors.Add(new InputError("policy", $"'{p}' is not a policy id (letters, digits, '-', '.')"));
        if (query.Page is < 1 or > MaxPage) errors.Add(new InputError("page", $"must be from 1 to {MaxPage}"));
        if (query.PageSize is < 1 or > MaxPageSize) errors.Add(new InputError("pageSize", $"must be from 1 to {MaxPageSize}"));
        return errors;
    }

    /// <summary>A policy or modality id: letters, digits, '-', '.', '_', at most 64 characters.</summary>
    public static bool IsFilterWord(string value) =>
        value.Length is > 0 and <= 64 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_');
}
