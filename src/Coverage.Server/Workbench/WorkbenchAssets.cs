namespace Coverage.Server.Workbench;

/// <summary>
/// GET /workbench/assets/{name}: the workbench's style sheet and script, embedded in the server. They are
/// files rather than inline blocks so that the workbench's Content-Security-Policy can forbid inline
/// script and style (an injected tag or attribute then does nothing). No member data; no sign-in needed.
/// </summary>
internal static class WorkbenchAssets
{
    private static readonly Dictionary<string, (byte[] Content, string Type)> Files = Load();

    private static Dictionary<string, (byte[] Content, string Type)> Load()
    {
        var assembly = typeof(WorkbenchAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("workbench.css", "text/css; charset=utf-8"), ("workbench.js", "text/javascript; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream("workbench-assets/" + name)
                ?? throw new InvalidOperationException($"The embedded workbench asset {name} is missing.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (copy.ToArray(), type);
        }
        return files;
    }

    public static IResult Get(string name, HttpContext context)
    {
        if (!Files.TryGetValue(name, out var file)) return TypedResults.NotFound();
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(file.Content, file.Type);
    }
}
