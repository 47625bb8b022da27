using System.Globalization;
using System.Text;
using Coverage.Claims.Batch;
using Coverage.Engine.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Coverage.Cli;

/// <summary>What `coverage adjudicate` shows: a live progress bar at a terminal, and the summary at the end.</summary>
internal static class BatchConsole
{
    /// <summary>True when the command writes to the process's own console and that console is a terminal.</summary>
    public static bool IsTerminal(TextWriter stdout) => ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;

    public static Task<BatchSummary> RunWithProgressAsync(BatchAdjudicator adjudicator, string input) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RateColumn(adjudicator.Progress),
                new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async context =>
            {
                // Progress is the share of the input read: the only measure known before the end.
                var task = context.AddTask(Markup.Escape(Path.GetFileName(input)), maxValue: Math.Max(1, new FileInfo(input).Length));
                var run = adjudicator.RunAsync();
                while (!run.IsCompleted)
                {
                    task.Value = Math.Min(task.MaxValue, adjudicator.Progress.BytesRead);
                    await Task.WhenAny(run, Task.Delay(100)).ConfigureAwait(false);
                }
                task.Value = task.MaxValue;
                return await run.ConfigureAwait(false);
            });

    /// <summary>Claims and lines decided per second, and the rejected records so far.</summary>
    private sealed class RateColumn(BatchProgress progress) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var seconds = Math.Max(0.001, task.ElapsedTime?.TotalSeconds ?? 0);
            var rejected = progress.Rejected == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", [yellow]{progress.Rejected:N0} rejected[/]");
            return new Markup(string.Create(CultureInfo.InvariantCulture, $"{progress.Claims:N0} claims, {progress.Lines / seconds:N0} lines/s{rejected}"));
        }
    }

    public static string Summary(BatchSummary summary)
    {
        var totals = summary.Totals;
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Adjudicated {summary.Input} ({summary.Format.ToWire()})");
        if (summary.AlreadyComplete) text.AppendLine("  the checkpoint says this run was already complete: nothing was decided again");
        else if (summary.ResumedAfter > 0) text.AppendLine(culture, $"  resumed after {summary.ResumedAfter:N0} records already written");
        text.AppendLine(culture, $"  claims:         {totals.Claims:N0} decided, {totals.Rejected:N0} rejected record{(totals.Rejected == 1 ? "" : "s")}");
        if (totals.Voided + totals.Encounters > 0)
            text.AppendLine(culture, $"  not decided:    {totals.Voided:N0} void{(totals.Voided == 1 ? "" : "s")}, {totals.Encounters:N0} encounter{(totals.Encounters == 1 ? "" : "s")} (recorded in the results)");
        text.AppendLine(culture, $"  lines:          {totals.Lines:N0}");
        text.AppendLine(culture, $"  line outcomes:  {Counts(Enum.GetValues<LineOutcome>().Select(o => (o.ToWire(), totals[o])))}");
        text.AppendLine(culture, $"  claim outcomes: {Counts(Enum.GetValues<RequestOutcome>().Select(o => (o.ToWire(), totals[o])))}");
        text.AppendLine(culture, $"  elapsed:        {summary.Elapsed.TotalSeconds:0.00} s, {summary.LinesPerSecond:N0} lines/s");
        text.AppendLine(culture, $"  results:        {summary.ResultsPath}");
        text.AppendLine(culture, $"  adjustments:    {summary.AdjustmentsPath}");
        var brief = totals.Rejected - summary.ErrorsInFull;
        text.AppendLine(culture, $"  errors:         {summary.ErrorsPath}{(totals.Rejected == 0 ? " (none)" : brief <= 0 ? ""
            : $" (the first {summary.ErrorsInFull:N0} rejected records in full, the other {brief:N0} by record number, claim id and position)")}");
        return text.ToString();
    }

    private static string Counts(IEnumerable<(string Name, long Count)> counts)
    {
        var shown = counts.Where(c => c.Count > 0).OrderByDescending(c => c.Count).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Count:N0}")).ToList();
        return shown.Count == 0 ? "none" : string.Join(", ", shown);
    }
}
