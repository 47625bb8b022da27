using System.Text;
using System.Text.Json;
using Coverage.Engine.Model;
using RulesEngine.Models;

namespace Coverage.Benchmarks.Peer;

/// <summary>What the peer decides for a line: its outcome and, when the line got that far, the FDA label status.</summary>
public readonly record struct PeerLineResult(LineOutcome Outcome, FdaLabelStatus? Label);

/// <summary>
/// The peer: policy 0540 written as a .NET team would with Microsoft's RulesEngine — the rules are the
/// workflows of Peer/policy-0540.rules.json (lambda expressions over the line and its clinical facts), and
/// this class is the glue that flattens a request into rule inputs and reads the first rule that fired.
/// It decides outcomes only (no rationale, citations or trace), which is all the comparison needs.
/// </summary>
public sealed class RulesEnginePeer
{
    private readonly RulesEngine.RulesEngine _engine;

    public RulesEnginePeer(string workflowsPath)
    {
        var workflows = JsonSerializer.Deserialize<Workflow[]>(File.ReadAllText(workflowsPath))
            ?? throw new InvalidOperationException($"{workflowsPath}: no workflows");
        _engine = new RulesEngine.RulesEngine(workflows, new ReSettings());
    }

    public static string DefaultWorkflowsPath => Repository.PeerWorkflows;

    public PeerLineResult[] Evaluate(CoverageRequest request)
    {
        var results = new PeerLineResult[request.ServiceLines.Count];
        for (var i = 0; i < results.Length; i++) results[i] = EvaluateLine(request, request.ServiceLines[i]);
        return results;
    }

    private PeerLineResult EvaluateLine(CoverageRequest request, ServiceLine serviceLine)
    {
        var dateOfService = serviceLine.DateOfService ?? request.DateOfService;
        var line = new PeerLine
        {
            Code = serviceLine.Code,
            Dos = dateOfService.ToDateTime(TimeOnly.MinValue),
            Text = " " + TermText(serviceLine.Description ?? "") + " ",
            Diagnoses = [.. request.Diagnoses],
            PlanId = request.Member.PlanId,
        };
        line.Modality = serviceLine.Code switch
        {
            "0581T" => "cryoablation",
            "0971T" => "percutaneous-laser-ablation",
            "19499" => Classify(line, serviceLine.Description),
            _ => "none",
        };

        if (line.Modality == "cryoablation")
        {
            var facts = PeerFacts.From(request, dateOfService);
            var criteria = Run("fda-criteria", new RuleParameter("facts", facts))
                .Select(r => (string)r.ActionResult.Output).ToArray();
            line.Label = First(Run("fda-status", new RuleParameter("line", line), new RuleParameter("criteria", criteria)))!;
        }
        else line.Label = "no-authorized-device";

        var decision = Run("policy-0540", new RuleParameter("line", line));
        var outcome = First(decision) ?? throw new InvalidOperationException("no rule of policy-0540 fired");
        var decidedBy = decision.First(r => r.IsSuccess).Rule.RuleName;
        // The label is part of the answer once the line reaches the plan and coverage-statement rules.
        var labelled = Array.IndexOf(LabelledRules, decidedBy) >= 0;
        return new PeerLineResult(WireNames.ParseLineOutcome(outcome), labelled ? ParseLabel(line.Label) : null);
    }

    private static readonly string[] LabelledRules =
    [
        "mandate-covers-on-label-cryoablation", "mandate-needs-label-records", "plan-excludes-ablation",
        "rider-covers-on-label-cryoablation", "rider-needs-label-records", "not-medically-necessary",
    ];

    /// <summary>Spec section 4: one named modality or related resource wins; two that disagree are ambiguous.</summary>
    private string Classify(PeerLine line, string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return "missing";
        var fired = Run("classify-description", new RuleParameter("line", line)).Where(r => r.IsSuccess).Select(r => r.Rule.SuccessEvent).ToList();
        var specific = fired.Where(e => e != "unspecified").Distinct().ToList();
        return specific.Count switch
        {
            > 1 => "ambiguous",
            1 => specific[0],
            _ => fired.Count > 0 ? "unspecified" : "unrelated",
        };
    }

    private List<RuleResultTree> Run(string workflow, params RuleParameter[] inputs) =>
        _engine.ExecuteAllRulesAsync(workflow, inputs).AsTask().GetAwaiter().GetResult();

    /// <summary>The success event of the first rule, in file order, that fired.</summary>
    private static string? First(List<RuleResultTree> results)
    {
        foreach (var result in results)
        {
            if (result.IsSuccess) return result.Rule.SuccessEvent;
            if (!string.IsNullOrEmpty(result.ExceptionMessage)) throw new InvalidOperationException($"rule {result.Rule.RuleName}: {result.ExceptionMessage}");
        }
        return null;
    }

    private static FdaLabelStatus ParseLabel(string wire) => Enum.GetValues<FdaLabelStatus>().First(s => s.ToWire() == wire);

    /// <summary>Letters and digits, lower case; anything else one space (the matching the spec asks for: whole words, case-insensitive).</summary>
    private static string TermText(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }
        return builder.ToString().TrimEnd();
    }
}

/// <summary>The flat line the rules read.</summary>
public sealed class PeerLine
{
    public string Code { get; set; } = "";
    public DateTime Dos { get; set; }
    /// <summary>The description, normalised and padded with spaces so that " term " matches whole words.</summary>
    public string Text { get; set; } = " ";
    /// <summary>ICD-10-CM, upper case without the dot.</summary>
    public string[] Diagnoses { get; set; } = [];
    public string PlanId { get; set; } = "";
    /// <summary>cryoablation, percutaneous-laser-ablation, microwave-ablation, radiofrequency-ablation, hifu, ambiguous, unspecified, unrelated, missing or none.</summary>
    public string Modality { get; set; } = "none";
    public string Label { get; set; } = "no-authorized-device";
}

/// <summary>The clinical facts the FDA criteria read; null is unknown.</summary>
public sealed class PeerFacts
{
    public int? AgeYears { get; set; }
    public double? TumorSizeCm { get; set; }
    public string? Focality { get; set; }
    public string? Histology { get; set; }
    public string? ErStatus { get; set; }
    public string? PrStatus { get; set; }
    public string? Her2Status { get; set; }
    public double? Ki67Percent { get; set; }
    public string? GenomicRisk { get; set; }
    public string? NodalStatus { get; set; }
    public bool? ExtensiveIntraductalComponent { get; set; }
    public bool? LymphovascularInvasion { get; set; }
    public bool? AdjuvantEndocrineTherapy { get; set; }
    public bool? Recurrent { get; set; }
    public bool? NeoadjuvantTherapyIndicated { get; set; }
    public bool? InflammatoryFeatures { get; set; }
    public bool? AdequateBreastSize { get; set; }
    public bool? BreastImplants { get; set; }
    public bool? ImplantDistanceDocumented { get; set; }

    public static PeerFacts From(CoverageRequest request, DateOnly dateOfService)
    {
        var clinical = request.Clinical;
        double? Number(string name) => clinical.TryGet(name, out var v) ? v.Number : null;
        string? Code(string name) => clinical.TryGet(name, out var v) ? v.Code : null;
        bool? Flag(string name) => clinical.TryGet(name, out var v) ? v.Boolean : null;
        int? age = null;
        if (request.Member.BirthDate is { } birth)
        {
            age = dateOfService.Year - birth.Year;
            if (dateOfService.Month < birth.Month || (dateOfService.Month == birth.Month && dateOfService.Day < birth.Day)) age--;
        }
        return new PeerFacts
        {
            AgeYears = age,
            TumorSizeCm = Number("tumorSizeCm"),
            Focality = Code("focality"),
            Histology = Code("histology"),
            ErStatus = Code("erStatus"),
            PrStatus = Code("prStatus"),
            Her2Status = Code("her2Status"),
            Ki67Percent = Number("ki67Percent"),
            GenomicRisk = Code("genomicRisk"),
            NodalStatus = Code("nodalStatus"),
            ExtensiveIntraductalComponent = Flag("extensiveIntraductalComponent"),
            LymphovascularInvasion = Flag("lymphovascularInvasion"),
            AdjuvantEndocrineTherapy = Flag("adjuvantEndocrineTherapy"),
            Recurrent = Flag("recurrent"),
            NeoadjuvantTherapyIndicated = Flag("neoadjuvantTherapyIndicated"),
            InflammatoryFeatures = Flag("inflammatoryFeatures"),
            AdequateBreastSize = Flag("adequateBreastSize"),
            BreastImplants = Flag("breastImplants"),
            ImplantDistanceDocumented = Flag("implantDistanceDocumented"),
        };
    }
}
