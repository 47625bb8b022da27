using System.Globalization;
using Coverage.Cases.Impact;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Coverage.Cli;

/// <summary>
/// The progress of `coverage impact`, on standard error and only when standard error is the process's own terminal:
/// the report goes to standard output (or --out), so a pipe or a redirected log gets the report and nothing else.
/// </summary>
internal static class ImpactConsole
{
    public static bool IsTerminal(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    /// <param name="progressOfInput">How much of the input is read (done, total), when that is known (a file); null: a spinner and counts.</param>
    public static void Run(Func<Task> work, ImpactProgress progress, TextWriter stderr, Func<(long Done, long Total)>? progressOfInput)
    {
        if (!IsTerminal(stderr))
        {
            work().GetAwaiter().GetResult();
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountsColumn(progress), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("impact", maxValue: 1);
                task.IsIndeterminate = progressOfInput is null;
                var run = work();
                while (!run.IsCompleted)
                {
                    if (progressOfInput is not null)
                    {
                        var (done, total) = progressOfInput();
                        task.Value = Math.Min(1, (double)done / total);
                    }
                    await Task.WhenAny(run, Task.Delay(100)).ConfigureAwait(false);
                }
                task.Value = 1;
                await run.ConfigureAwait(false);
            }).GetAwaiter().GetResult();
    }

    /// <summary>Records and lines compared so far, and the lines that changed.</summary>
    private sealed class CountsColumn(ImpactProgress progress) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(string.Create(CultureInfo.InvariantCulture, $"{progress.Records:N0} records, {progress.Lines:N0} lines, {progress.Changed:N0} changed"));
    }
}
