using System.Text.Json.Nodes;

namespace Coverage.Cli.Tests;

/// <summary>The impact tests' catalogues (tests/Coverage.Cli.Tests/Fixtures/catalogues) and hand-written requests.</summary>
internal static class ImpactFixtures
{
    public static string Catalogue(string name) => Path.Combine(CliRunner.RepositoryRoot, "tests", "Coverage.Cli.Tests", "Fixtures", "catalogues", name);

    /// <summary>0540 as it stood when its 2025-04-15 version was the latest.</summary>
    public static string AsOf20250415 => Catalogue("0540-as-of-2025-04-15");

    /// <summary>The repository's catalogue with a rider in the standard plan: on-label cryoablation covered.</summary>
    public static string CoversOnLabelCryoablation => Catalogue("0540-covers-on-label-cryoablation");

    /// <summary>
    /// Six cryoablation-era requests on the standard plan unless said otherwise, from the on-label sample:
    /// two on-label (one with a second, unrelated line), one off-label (a 2.5 cm tumour), one indeterminate (Ki-67 and
    /// genomic risk unknown), one on-label on the rider plan (covered before and after), one microwave ablation.
    /// </summary>
    public static IReadOnlyList<string> CryoablationRequests()
    {
        var sample = JsonNode.Parse(File.ReadAllText(CliRunner.Sample("cryoablation-rider-on-label.json")))!.AsObject();
        string Request(string id, string member, string? plan, Action<JsonObject>? change = null)
        {
            var request = sample.DeepClone().AsObject();
            request["requestId"] = id;
            request["member"]!["id"] = member;
            if (plan is null) request["member"]!.AsObject().Remove("planId");
            else request["member"]!["planId"] = plan;
            change?.Invoke(request);
            return request.ToJsonString();
        }
        return
        [
            Request("ON-1", "M-1", null),
            Request("ON-2", "M-2", "standard", r => r["serviceLines"]!.AsArray().Add(JsonNode.Parse("""{ "sequence": 2, "code": "76942", "units": 1 }"""))),
            Request("OFF-1", "M-3", null, r => r["clinical"]!["tumorSizeCm"] = 2.5),
            Request("UNKNOWN-1", "M-4", null, r => r["clinical"]!.AsObject().Remove("ki67Percent")),
            Request("RIDER-1", "M-5", "example-fda-cryo-rider"),
            Request("MWA-1", "M-6", null, r => r["serviceLines"] = JsonNode.Parse("""[{ "sequence": 1, "code": "19499", "description": "US-guided microwave ablation, left breast", "units": 1 }]""")),
        ];
    }

    /// <summary>What each line of <see cref="CryoablationRequests"/> was billed (request_id,line,charge).</summary>
    public const string CryoablationCharges = """
        request_id,line,charge
        ON-1,1,6200.00
        ON-2,1,6150.50
        ON-2,2,240.00
        OFF-1,1,6200.00
        UNKNOWN-1,1,6200.00
        RIDER-1,1,6200.00
        MWA-1,1,4500.00
        """;

    /// <summary>The on-label lines on the standard plan and their billed total, by hand: ON-1 line 1 and ON-2 line 1.</summary>
    public const decimal OnLabelBilled = 6200.00m + 6150.50m;
}
