using System.Text.Json;
using Coverage.Cases;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Cli.Tests;

/// <summary>
/// `coverage report` against a real SQLite case store seeded through the store's own commands: two standard requests
/// received today, one approved by a physician, one still pending; the report counts them as the server would.
/// </summary>
public sealed class ReportCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-report-");
    private string Connection => $"Data Source={Path.Combine(_folder.FullName, "coverage.db")}";
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string DayAfterTomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        await using var provider = await CaseStoreServices.MigratedAsync(StorageProvider.Sqlite, Connection);
        var catalogue = provider.GetRequiredService<Evaluator>().Catalogue;
        var clinic = new Caller(new Actor("clinic"), "clinic-a", CallerAccess.Submitter);
        var physician = new Caller(new Actor("dr-ada", "physician"), "payer", CallerAccess.PayerStaff, new Reviewer("dr-ada", "Dr. Ada", ReviewerRoles.Physician));
        var sample = await File.ReadAllTextAsync(CliRunner.Sample("cryoablation-prior-auth.json"));
        foreach (var requestId in new[] { "REQ-A", "REQ-B" })
        {
            using var scope = provider.CreateScope();
            var cases = scope.ServiceProvider.GetRequiredService<CaseService>();
            var request = RequestReader.Read(sample.Replace("REQ-1001", requestId, StringComparison.Ordinal), catalogue).Request!;
            var submitted = (await cases.SubmitAsync(request, clinic, CancellationToken.None)).Value!;
            if (requestId == "REQ-A")
                Assert.Null((await cases.DecideAsync(submitted.Id, new DecisionSubmission([new LineDecisionInput(1, DecisionActions.Overturn, "Criteria met.")]), physician, CancellationToken.None)).Error);
        }
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Report_Csv_CountsTheStoresRequests()
    {
        var result = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", Today, "--to", DayAfterTomorrow, "--format", "csv");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var all = result.Stdout.Split("\r\n").Single(l => l.Contains(",all,standard,", StringComparison.Ordinal)).Split(',');
        // requests, decided, pending, withdrawn, approved, denied; percent approved
        Assert.Equal(["2", "1", "1", "0", "1", "0"], all[4..10]);
        Assert.Equal("100", all[13]);
        Assert.Contains("0581T,CPT", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Json_IsTheServersShape()
    {
        var result = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", Today, "--to", DayAfterTomorrow);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var all = json.RootElement.GetProperty("strata")[0];
        Assert.Equal("all", all.GetProperty("stratum").GetString());
        Assert.Equal(2, all.GetProperty("standard").GetProperty("requests").GetInt32());
        Assert.Equal(0, all.GetProperty("expedited").GetProperty("requests").GetInt32());
    }

    [Fact]
    public void Report_NotADate_IsAnInputError()
    {
        var result = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", "last month", "--to", DayAfterTomorrow);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--from and --to", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_OfOnePlan_CountsItsRequests_AnUnknownPlanIsAnInputErrorNamingIt()
    {
        var standard = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", Today, "--to", DayAfterTomorrow, "--plan", "standard");
        var other = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", Today, "--to", DayAfterTomorrow, "--plan", "example-fda-cryo-rider");
        var unknown = CliRunner.Run("report", "--store", "sqlite", "--connection", Connection, "--from", Today, "--to", DayAfterTomorrow, "--plan", "no-such-plan");

        Assert.True(standard.ExitCode == 0, standard.Stderr);
        using (var json = JsonDocument.Parse(standard.Stdout))
        {
            Assert.Equal("standard", json.RootElement.GetProperty("planId").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("strata")[0].GetProperty("standard").GetProperty("requests").GetInt32());
        }
        using (var json = JsonDocument.Parse(other.Stdout))
            Assert.Equal(0, json.RootElement.GetProperty("strata")[0].GetProperty("standard").GetProperty("requests").GetInt32());
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("plan: 'no-such-plan' is not a plan of the catalogue", unknown.Stderr, StringComparison.Ordinal);
    }
}
