using System.Globalization;
using System.Text.RegularExpressions;

namespace Coverage.Engine.Catalogue;

/// <summary>Collects catalogue errors, with file names shown relative to the catalogue root.</summary>
internal sealed class Problems(string root)
{
    private readonly List<CatalogueError> _errors = [];
    private readonly List<CatalogueError> _gaps = [];

    public IReadOnlyList<CatalogueError> Errors => _errors;

    /// <summary>
    /// True while a draft policy is read (<see cref="CatalogueLoader.LoadDraft"/>): what only an analyst can supply
    /// (a criterion's mapping to facts, a code's modality, its validity dates…) is a gap to list, not an error.
    /// </summary>
    public bool ReadingDraft { get; set; }

    /// <summary>What a draft still needs before it can decide a case, in the order it was found.</summary>
    public IReadOnlyList<CatalogueError> Gaps => _gaps;

    public void AddGap(string file, string path, string message)
    {
        var gap = new CatalogueError(Relative(file), path, message);
        if (ReadingDraft) _gaps.Add(gap);
        else _errors.Add(gap);
    }
    public bool Any => _errors.Count > 0;
    public int Count => _errors.Count;

    public void Add(string file, string path, string message) =>
        _errors.Add(new CatalogueError(Relative(file), path, message));

    /// <summary>A file as errors name it: relative to the catalogue root.</summary>
    public string Relative(string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    public FileProblems In(string file) => new(this, file);
}

/// <summary>The checks every catalogue file shares, reporting under one file.</summary>
internal sealed partial class FileProblems(Problems problems, string file)
{
    public void Add(string path, string message) => problems.Add(file, path, message);

    /// <summary>
    /// Something only an analyst can supply is missing: an error in a catalogue, a gap listed for the analyst while a
    /// draft is read (the draft still loads, and never decides a case).
    /// </summary>
    public void Gap(string path, string message) => problems.AddGap(file, path, message);

    public T Gap<T>(string path, string message)
    {
        Gap(path, message);
        return default!;
    }

    /// <summary>True while a draft is read: a gap leaves the model without the value, and the loader goes on.</summary>
    public bool ReadingDraft => problems.ReadingDraft;

    /// <summary>Problems found so far in the whole catalogue: a step compares it before and after to know whether it found any.</summary>
    public int Count => problems.Count;

    public T Missing<T>(string path)
    {
        Add(path, "missing");
        return default!;
    }

    public T Invalid<T>(string path, string message)
    {
        Add(path, message);
        return default!;
    }

    public string? Text(string? value, string path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(path, "missing");
            return null;
        }
        return value.Trim();
    }

    /// <summary>Identifiers appear in the public contract: lower-case words joined by hyphens.</summary>
    public string? Id(string? value, string path)
    {
        var text = Text(value, path);
        if (text is not null && !KebabCase().IsMatch(text))
        {
            Add(path, $"'{text}' must be lower-case words joined by hyphens (kebab-case)");
            return null;
        }
        return text;
    }

    public DateOnly? Date(string? value, string path)
    {
        if (value is null)
        {
            Add(path, "missing (a date, YYYY-MM-DD)");
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Add(path, $"'{value}' is not a date (YYYY-MM-DD)");
        return null;
    }

    public IEnumerable<T> Required<T>(List<T>? list, string path)
    {
        if (list is null) Add(path, "missing");
        return list ?? [];
    }

    [GeneratedRegex(@"^[a-z0-9]+(\.[0-9]+)?[a-z0-9]*(-[a-z0-9.]+)*\z")]
    private static partial Regex KebabCase();
}
