using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Coverage.Cases;
using Coverage.Engine.Evaluation;
using Coverage.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Cli;

/// <summary>
/// `coverage report --store sqlite|postgres --connection CS --from DATE --to DATE [--line-of-business LOB] [--plan ID]
/// [--format json|csv]`: the CMS-0057-F prior-authorization metrics of the period [from, to) from a case store, of every
/// request or of one reporting unit (a line of business and/or a plan), as the server's
/// GET /api/v1/reports/prior-authorization answers them (the same query). The operator running it acts as payer staff
/// under their operating-system account ("cli:NAME"), and the run is audited in the store. Exit 0 with the report, 2
/// for a wrong command line, 3 when the catalogue cannot be loaded, 4 when the store cannot be read.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(Option<string?> catalogueOption, TextWriter stdout, TextWriter stderr)
    {
        var store = new Option<string>("--store") { Description = "The case store's provider: sqlite or postgres", Required = true };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string>("--connection") { Description = "The case store's connection string (as the server's Storage:ConnectionString)", Required = true };
        var from = new Option<string>("--from") { Description = "The period's first day (YYYY-MM-DD, from midnight UTC) or instant (ISO 8601)", Required = true };
        var to = new Option<string>("--to") { Description = "The day (or instant) after the period: the period is [from, to)", Required = true };
        var format = new Option<string>("--format") { Description = "json or csv", DefaultValueFactory = _ => "json" };
        var lineOfBusiness = new Option<string?>("--line-of-business") { Description = "Only the requests of plans of this line of business (medicare-advantage, medicaid, chip, erisa)" };
        var plan = new Option<string?>("--plan") { Description = "Only the requests of this plan (its id in the catalogue)" };
        format.AcceptOnlyFromAmong("json", "csv");
        var command = new Command("report", "Print the prior-authorization metrics (CMS-0057-F) of a period from a case store") { store, connection, from, to, format, lineOfBusiness, plan };
        command.SetAction(parse => RunAsync(
            parse.GetValue(store)!, parse.GetValue(connection)!, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(format)!,
            new ReportScope(parse.GetValue(lineOfBusiness), parse.GetValue(plan)),
            parse.GetValue(catalogueOption), stdout, stderr).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(
        string provider, string connection, string fromText, string toText, string format, ReportScope reportScope, string? catalogueDir, TextWriter stdout, TextWriter stderr)
    {
        if (Instant(fromText) is not { } from || Instant(toText) is not { } to)
        {
            stderr.WriteLine($"coverage: --from and --to are dates (YYYY-MM-DD) or instants (ISO 8601); got '{fromText}' and '{toText}'");
            return ExitCodes.InputError;
        }
        if (!CoverageCommand.TryLoad(catalogueDir, stderr, out var catalogue)) return ExitCodes.CatalogueError;

        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new Evaluator(catalogue, TimeProvider.System));
        services.AddLogging();
        services.AddCaseStore(provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, connection);
        // The store's new-case writer is disposed asynchronously only.
        await using var provided = services.BuildServiceProvider();
        using var scope = provided.CreateScope();
        var operatorName = $"cli:{Environment.UserName}";
        var caller = new Caller(new Actor(operatorName, "operator"), "payer", CallerAccess.PayerStaff);
        StoreResult<PriorAuthorizationReport> result;
        try
        {
            result = await scope.ServiceProvider.GetRequiredService<CaseService>().ReportAsync(from, to, reportScope, caller, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            stderr.WriteLine($"coverage: cannot read the case store: {e.Message}");
            return ExitCodes.StoreError;
        }
        if (result.Error is { } error)
        {
            stderr.WriteLine($"coverage: {error.Message}");
            foreach (var field in error.Fields ?? []) stderr.WriteLine($"coverage:   {field}");
            return ExitCodes.InputError;
        }
        stdout.Write(format == "csv" ? PriorAuthorizationCsv.Write(result.Value!) : JsonSerializer.Serialize(result.Value, Json) + Environment.NewLine);
        return ExitCodes.Ok;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static DateTime? Instant(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant.UtcDateTime
        : null;
}
