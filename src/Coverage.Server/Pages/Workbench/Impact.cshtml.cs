using System.Globalization;
using System.Net;
using System.Text;
using Coverage.Cases.Impact;
using Coverage.Server.Security;
using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// The analyst's impact page: choose a candidate catalogue of the configured folder, run an impact report of the case
/// store against the server's catalogue (in the background, one at a time, audited with the analyst), and read the
/// summary as tables and charts drawn on the server as SVG, with JSON and CSV downloads (docs/impact-and-import.md).
/// A candidate may also be uploaded as a .zip (CandidateArchive); a request is at most <see cref="MaxUploadBytes"/>.
/// </summary>
[RequestSizeLimit(MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public sealed class ImpactModel(ImpactRuns runs) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Run { get; set; }

    [BindProperty]
    public string? Candidate { get; set; }

    public IReadOnlyList<string> Candidates { get; private set; } = [];
    public IReadOnlyList<ImpactRun> Runs { get; private set; } = [];
    public ImpactRun? Shown { get; private set; }
    public string? Error { get; private set; }
    public string CandidatesPath => runs.CandidatesPath;

    public void OnGet()
    {
        Load();
        if (Run is { } id && (Shown = runs.Find(id)) is null) Error = "That run is not kept any more (or never was): start it again.";
    }

    public IActionResult OnPost() => Started(runs.Start(Candidate, HttpContext.Caller()));

    /// <summary>A candidate catalogue uploaded as a .zip: unpacked safely, validated, then run as a chosen one is.</summary>
    public IActionResult OnPostUpload(IFormFile? archive)
    {
        if (archive is null || archive.Length == 0) return Started((null, "Choose a .zip of a catalogue folder to upload."));
        using var stream = archive.OpenReadStream();
        return Started(runs.StartUploaded(stream, archive.FileName, HttpContext.Caller()));
    }

    /// <summary>The largest upload: a zipped catalogue is far smaller (CandidateArchive bounds what it unpacks to).</summary>
    public const long MaxUploadBytes = 20L * 1024 * 1024;

    private IActionResult Started((ImpactRun? Run, string? Problem) started)
    {
        if (started.Run is { } run) return RedirectToPage(new { run = run.Id });
        Error = started.Problem;
        Load();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private void Load()
    {
        Candidates = runs.Candidates();
        Runs = runs.Runs;
    }

    /// <summary>The finished run's report as JSON: /workbench/impact/{id}.json.</summary>
    public static IResult Json(Guid id, ImpactRuns runs) =>
        runs.Find(id) is { IsFinished: true, Error: null } run
            ? TypedResults.File(Encoding.UTF8.GetBytes(ImpactJson.Write(run.Report)), "application/json", $"impact-{run.Candidate}-{run.StartedAt:yyyyMMdd'T'HHmmss}.json")
            : TypedResults.NotFound();

    /// <summary>The finished run's summary as CSV: /workbench/impact/{id}.csv.</summary>
    public static IResult Csv(Guid id, ImpactRuns runs) =>
        runs.Find(id) is { IsFinished: true, Error: null } run
            ? TypedResults.File(Encoding.UTF8.GetBytes(ImpactCsv.Write(run.Report)), "text/csv", $"impact-{run.Candidate}-{run.StartedAt:yyyyMMdd'T'HHmmss}.csv")
            : TypedResults.NotFound();

    /// <summary>
    /// A horizontal bar chart of a dimension's keys by lines changed, as SVG written here (labels encoded), styled by the
    /// workbench's stylesheet: no script, nothing fetched from elsewhere.
    /// </summary>
    public static HtmlString Chart(string id, string title, SortedDictionary<string, ImpactBucket> buckets)
    {
        var inv = CultureInfo.InvariantCulture;
        var ranked = ImpactReport.Ranked(buckets).Take(12).ToList();
        var most = Math.Max(1, ranked.Count == 0 ? 1 : ranked.Max(b => b.Value.Lines));
        var height = (ranked.Count * 26) + 8;
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title\" width=\"760\" height=\"{height}\" viewBox=\"0 0 760 {height}\">")
           .Append(inv, $"<title id=\"{id}-title\">{WebUtility.HtmlEncode(title)}</title>");
        for (var i = 0; i < ranked.Count; i++)
        {
            var (key, bucket) = ranked[i];
            var y = i * 26;
            var width = (int)Math.Round(300.0 * bucket.Lines / most);
            svg.Append(inv, $"<text x=\"0\" y=\"{y + 16}\" class=\"chart-label\">{WebUtility.HtmlEncode(Shorten(key))}</text>")
               .Append(inv, $"<rect x=\"360\" y=\"{y + 4}\" height=\"16\" width=\"{width}\" class=\"bar-standard\" data-key=\"{WebUtility.HtmlEncode(key)}\"></rect>")
               .Append(inv, $"<text x=\"{366 + width}\" y=\"{y + 16}\" class=\"chart-value\">{bucket.Lines:N0}</text>");
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    private static string Shorten(string key) => key.Length <= 52 ? key : key[..51] + "…";

    public static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Dimension(string name) => name switch
    {
        "transition" => "Outcome transition",
        "policy" => "Policy",
        "rule" => "Deciding rule",
        "criterion" => "Criterion",
        "service" => "Service",
        "plan" => "Plan",
        _ => name,
    };
}
