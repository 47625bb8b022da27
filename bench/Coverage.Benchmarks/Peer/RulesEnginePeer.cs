using System.Text;
using System.Text.Json;
using Coverage.Engine.Model;
using RulesEngine.Models;

namespace Coverage.Benchmarks.Peer;

/// <summary>
/// What the peer decides for a line: its outcome, the FDA label status when the line got that far under
/// policy 0540, and the policy whose rules decided it.
/// </summary>
public readonly record struct PeerLineResult(LineOutcome Outcome, FdaLabelStatus? Label, string? Policy);

/// <summary>
/// The peer: the catalogue's policies written as a .NET team would with Microsoft's RulesEngine — the rules
/// are the workflows of Peer/*.rules.json (lambda expressions over the line and its flattened clinical facts,
/// criteria in three-valued logic as "met", "unmet" or "unknown"), and this class is the glue that flattens a
/// request into rule inputs and reads the first rule that fired. It decides outcomes only (no rationale,
/// citations or trace), which is all the comparison needs.
/// </summary>
/// <remarks>
/// With the rules of policy 0540 alone it is the peer of the repository's catalogue. With a workflow
/// <see cref="RoutingWorkflow"/> (Peer/with-related-resources.rules.json) it is the peer of a catalogue of
/// several policies: the policies that list the line's code are tried in the order of their rules (the
/// catalogue's precedence), and the first whose rules address the line decides it, as the evaluator does.
/// </remarks>
public sealed class RulesEnginePeer
{
    /// <summary>The workflow whose rules name, in order of precedence, the policies that list a code.</summary>
    public const string RoutingWorkflow = "policies-for-code";

    private readonly RulesEngine.RulesEngine _engine;
    private readonly bool _routes;

    public RulesEnginePeer(params string[] workflowPaths)
    {
        var workflows = workflowPaths
            .SelectMany(path => JsonSerializer.Deserialize<Workflow[]>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path}: no workflows"))
            .ToArray();
        _engine = new RulesEngine.RulesEngine(workflows, new ReSettings());
        _routes = workflows.Any(w => w.WorkflowName == RoutingWorkflow);
    }

    public static string DefaultWorkflowsPath => Repository.PeerWorkflows;

    /// <summary>The peer of the repository's catalogue (policy 0540).</summary>
    public static RulesEnginePeer ForRepository() => new(Repository.PeerWorkflows);

    /// <summary>The peer of catalogues/with-related-resources (0540, CG-MED-81, MP-728).</summary>
    public static RulesEnginePeer ForCriteriaCatalogue() => new(Repository.CriteriaPeerWorkflows);

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
        if (!_routes) return Policy0540(request, serviceLine, line, dateOfService);

        // The policies that list the code, in order of precedence: the first that addresses the line decides it.
        PeerLineResult? first = null;
        foreach (var listing in Run(RoutingWorkflow, new RuleParameter("line", line)))
        {
            if (!listing.IsSuccess) continue;
            var result = listing.Rule.SuccessEvent switch
            {
                "0540" => Policy0540(request, serviceLine, line, dateOfService),
                "CG-MED-81" => CgMed81(request, serviceLine, line, dateOfService),
                "MP-728" => Mp728(request, serviceLine, line),
                var other => throw new InvalidOperationException($"{RoutingWorkflow}: no rules for policy {other}"),
            };
            if (result.Outcome != LineOutcome.NotAddressed) return result;
            first ??= result;
        }
        return first ?? new PeerLineResult(LineOutcome.NotAddressed, null, null);
    }

    private PeerLineResult Policy0540(CoverageRequest request, ServiceLine serviceLine, PeerLine line, DateOnly dateOfService)
    {
        line.Modality = serviceLine.Code switch
        {
            "0581T" => "cryoablation",
            "0971T" => "percutaneous-laser-ablation",
            "19499" => Classify("classify-description", line, serviceLine.Description),
            _ => "none",
        };

        if (line.Modality == "cryoablation")
        {
            var facts = PeerFacts.From(request, dateOfService);
            var criteria = Outputs(Run("fda-criteria", new RuleParameter("facts", facts)));
            line.Label = First(Run("fda-status", new RuleParameter("line", line), new RuleParameter("criteria", criteria)))!;
        }
        else line.Label = "no-authorized-device";

        var decision = Run("policy-0540", new RuleParameter("line", line));
        var outcome = First(decision) ?? throw new InvalidOperationException("no rule of policy-0540 fired");
        var decidedBy = decision.First(r => r.IsSuccess).Rule.RuleName;
        // The label is part of the answer once the line reaches the plan and coverage-statement rules.
        var labelled = Array.IndexOf(LabelledRules, decidedBy) >= 0;
        return new PeerLineResult(WireNames.ParseLineOutcome(outcome), labelled ? ParseLabel(line.Label) : null, "0540");
    }

    /// <summary>CG-MED-81: HIFU and TULSA by code, or an unlisted code's description; the five bone-metastasis criteria for HIFU.</summary>
    private PeerLineResult CgMed81(CoverageRequest request, ServiceLine serviceLine, PeerLine line, DateOnly dateOfService)
    {
        line.Modality = serviceLine.Code switch
        {
            "C9734" or "55880" => "hifu",
            "55881" or "55882" => "tulsa",
            _ => Classify("cg-med-81-description", line, serviceLine.Description),
        };
        var criteria = line.Modality == "hifu" ? Outputs(Run("cg-med-81-criteria", new RuleParameter("facts", HifuFacts.From(request, dateOfService)))) : [];
        return Decide("CG-MED-81", "cg-med-81", new RuleParameter("line", line), new RuleParameter("criteria", criteria));
    }

    /// <summary>MP-728: LITT by code, or an unlisted code's description; the epilepsy and the radiation necrosis criteria.</summary>
    private PeerLineResult Mp728(CoverageRequest request, ServiceLine serviceLine, PeerLine line)
    {
        line.Modality = serviceLine.Code is "61736" or "61737" ? "litt" : Classify("mp-728-description", line, serviceLine.Description);
        string[] epilepsy = [], necrosis = [];
        if (line.Modality == "litt")
        {
            var facts = new RuleParameter("facts", LittFacts.From(request));
            epilepsy = Outputs(Run("mp-728-epilepsy-criteria", facts));
            necrosis = Outputs(Run("mp-728-radiation-necrosis-criteria", facts));
        }
        return Decide("MP-728", "mp-728", new RuleParameter("line", line), new RuleParameter("epilepsy", epilepsy), new RuleParameter("necrosis", necrosis));
    }

    private PeerLineResult Decide(string policy, string workflow, params RuleParameter[] inputs)
    {
        var outcome = First(Run(workflow, inputs)) ?? throw new InvalidOperationException($"no rule of {workflow} fired");
        return new PeerLineResult(WireNames.ParseLineOutcome(outcome), null, policy);
    }

    /// <summary>Each criterion rule's output ("met", "unmet" or "unknown"), in the order of the rules.</summary>
    private static string[] Outputs(List<RuleResultTree> results) => results.Select(r => (string)r.ActionResult.Output).ToArray();

    private static readonly string[] LabelledRules =
    [
        "mandate-covers-on-label-cryoablation", "mandate-needs-label-records", "plan-excludes-ablation",
        "rider-covers-on-label-cryoablation", "rider-needs-label-records", "not-medically-necessary",
    ];

    /// <summary>Spec section 4, for the policy whose description rules are <paramref name="workflow"/>: one named modality or related resource wins; two that disagree are ambiguous.</summary>
    private string Classify(string workflow, PeerLine line, string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return "missing";
        var fired = Run(workflow, new RuleParameter("line", line)).Where(r => r.IsSuccess).Select(r => r.Rule.SuccessEvent).ToList();
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
    /// <summary>What the line is under the policy being tried: cryoablation, percutaneous-laser-ablation, microwave-ablation, radiofrequency-ablation, hifu, tulsa, litt, ambiguous, unspecified, unrelated, missing or none.</summary>
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
        return new PeerFacts
        {
            AgeYears = AgeOn(request, dateOfService),
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

    /// <summary>Whole years on the date of service; null without a birth date.</summary>
    public static int? AgeOn(CoverageRequest request, DateOnly dateOfService)
    {
        if (request.Member.BirthDate is not { } birth) return null;
        var age = dateOfService.Year - birth.Year;
        if (dateOfService.Month < birth.Month || (dateOfService.Month == birth.Month && dateOfService.Day < birth.Day)) age--;
        return age;
    }
}
