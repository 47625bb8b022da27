using System.Diagnostics.Metrics;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Store;
using Coverage.Store.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// A new case's determinations are counted from the determination it was written from (the new-case writer, right
/// after evaluating) exactly as they are counted from its stored JSON (any other save): the same outcome and deciding
/// policy per line, on requests whose lines are decided by a policy and by none.
/// </summary>
public sealed class DeterminationCountingTests
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);

    [Theory]
    [InlineData("cryoablation-prior-auth.json")]
    [InlineData("pas-submit-bundle.json")]
    public void CountedFromTheDetermination_AsFromItsJson(string sample)
    {
        var text = File.ReadAllText(Path.Combine(CoverageApp.RepositoryRoot, "samples", sample));
        var request = sample.StartsWith("pas", StringComparison.Ordinal)
            ? Coverage.Fhir.Pas.PasRequest.Read(Coverage.Fhir.FhirJson.Parse<Hl7.Fhir.Model.Bundle>(text, out _)!, Catalogue.Facts, out _)!.Validate(Catalogue).Request!
            : RequestReader.Read(text, Catalogue).Request!;
        var determination = new Evaluator(Catalogue, new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero))).Evaluate(request);
        var record = new CaseRecord { DeterminationJson = DeterminationWriter.ToUtf8Json(determination) };

        var fromObject = Counted(counting => counting.Kept(determination));
        var fromJson = Counted(counting => counting.Kept([record]));

        Assert.NotEmpty(fromObject);
        Assert.Equal(determination.Lines.Count, fromObject.Count);
        Assert.Equal(fromJson, fromObject);
    }

    private static List<(string? Outcome, string? Policy)> Counted(Action<DeterminationCounting> count)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new CoverageMetrics(services.GetRequiredService<IMeterFactory>());
        var seen = new List<(string?, string?)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "coverage.determinations") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? outcome = null, policy = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "coverage.outcome") outcome = tag.Value as string;
                if (tag.Key == "coverage.policy") policy = tag.Value as string;
            }
            seen.Add((outcome, policy));
        });
        listener.Start();
        count(new DeterminationCounting(metrics));
        return seen;
    }
}
