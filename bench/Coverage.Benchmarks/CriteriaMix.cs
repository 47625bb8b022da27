using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// A deterministic mix for the catalogue catalogues/with-related-resources: policy 0540 plus the two
/// criteria-based policies that stand in for its related resources, CG-MED-81 (HIFU) and MP-728 (LITT).
/// Half the requests are the 0540 mix's own kind (<see cref="RequestMix"/>, drawn from this mix's seed, so
/// its HIFU and LITT descriptions on 19499 now reach the stand-ins); a quarter are HIFU stories
/// (<see cref="HifuRequests"/>) and a quarter LITT stories (<see cref="LittRequests"/>), each with every
/// criterion met, not met and unknown. The 0540 mix itself is left exactly as it was: its determinations are
/// recorded byte for byte (determinations.sha256), this one's are not.
/// Each request is read by the engine's own <see cref="RequestReader"/>, as the server would.
/// </summary>
public static class CriteriaMix
{
    public const int DefaultSeed = 728;
    /// <summary>Service lines in the mix (the benchmarks' operations per invocation), as many as the 0540 mix.</summary>
    public const int DefaultLines = 4_000;

    /// <summary>Requests of 1–3 lines until the mix holds exactly <paramref name="lines"/> service lines; each entry is the request's JSON and the request as the evaluator receives it.</summary>
    public static IReadOnlyList<(string Json, CoverageRequest Request)> Build(PolicyCatalogue catalogue, int lines = DefaultLines, int seed = DefaultSeed)
    {
        var random = new Random(seed); // the seeded legacy algorithm: stable across runs and runtimes
        var mix = new List<(string, CoverageRequest)>();
        for (var i = 0; lines > 0; i++)
        {
            var node = random.Next(4) switch
            {
                < 2 => RequestMix.Request(random, i, lines),
                2 => HifuRequests.Request(random, lines),
                _ => LittRequests.Request(random, lines),
            };
            node["requestId"] = $"CRIT-{i:D5}";
            lines -= node["serviceLines"]!.AsArray().Count;
            var json = node.ToJsonString();
            var read = RequestReader.Read(json, catalogue);
            if (!read.IsValid) throw new InvalidOperationException($"criteria mix request {i} is invalid: {string.Join("; ", read.Errors)}\n{json}");
            mix.Add((json, read.Request!));
        }
        return mix;
    }

    /// <summary>
    /// A request of one clinical story: the member (a birth date, or none: then the age is unknown), a plan as
    /// the 0540 mix draws them (no sample plan has a provision for these policies, so the plan must not matter),
    /// an order or a claim, and the story's lines, facts and diagnoses.
    /// </summary>
    internal static JsonObject Request(Random random, DateOnly dateOfService, DateOnly? birthDate, string[] diagnoses, JsonArray lines, JsonObject? clinical)
    {
        var member = new JsonObject { ["id"] = $"M-{random.Next(5_000, 9_000)}" };
        if (birthDate is { } birth) member["birthDate"] = RequestMix.Date(birth);
        if (RequestMix.Pick(random, RequestMix.Plans) is { } planId) member["planId"] = planId;
        var kind = random.Next(3) == 0 ? "claim" : "prior-authorization";
        // Claims carry a date of service per line; now and then a later one (across a version's start, too).
        if (kind == "claim")
            foreach (var line in lines)
                if (random.Next(4) == 0) line!["dateOfService"] = RequestMix.Date(dateOfService.AddDays(random.Next(0, 40)));
        var request = new JsonObject
        {
            ["requestId"] = "",
            ["kind"] = kind,
            ["member"] = member,
            ["dateOfService"] = RequestMix.Date(dateOfService),
            ["diagnoses"] = new JsonArray([.. diagnoses.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["serviceLines"] = lines,
        };
        if (kind == "prior-authorization" && random.Next(4) == 0) request["priority"] = "expedited";
        if (clinical is not null) request["clinical"] = clinical;
        return request;
    }

    /// <summary>A service line: one unit of the code, with the description an unlisted code needs (or not).</summary>
    internal static JsonObject Line(int sequence, string code, string? description)
    {
        var line = new JsonObject { ["sequence"] = sequence, ["code"] = code, ["units"] = 1 };
        if (description is not null) line["description"] = description;
        return line;
    }

    /// <summary>A birth date that makes the member <paramref name="years"/> old on the date of service (and some days).</summary>
    internal static DateOnly Aged(Random random, DateOnly dateOfService, int years) => dateOfService.AddYears(-years).AddDays(-random.Next(0, 360));

    /// <summary>A day in [from, to], both yyyy-MM-dd.</summary>
    internal static DateOnly Between(Random random, (string From, string To) range)
    {
        var from = DateOnly.ParseExact(range.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(range.To, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));
    }

    /// <summary>
    /// Facts for a statement's criteria: all stated and met (40 %); or one criterion not met (25 %: a change from
    /// <paramref name="unmet"/>, which may also leave others unknown: an unmet criterion decides despite them);
    /// or unknown (25 %: a change from <paramref name="unknown"/>, or one to three facts left out); or none (10 %).
    /// A change sets each fact it names, or removes it (null).
    /// </summary>
    internal static JsonObject? Facts(Random random, IReadOnlyDictionary<string, JsonNode> met, (string Fact, JsonNode? Value)[][] unmet, (string Fact, JsonNode? Value)[][] unknown)
    {
        var roll = random.Next(20);
        if (roll >= 18) return null;
        var facts = new JsonObject();
        foreach (var (name, value) in met) facts[name] = value.DeepClone();
        if (roll < 8) return facts;
        if (roll < 13) return Change(facts, unmet[random.Next(unmet.Length)]);
        if (roll < 15) return Change(facts, unknown[random.Next(unknown.Length)]);
        var names = met.Keys.ToArray();
        for (var i = random.Next(1, 4); i > 0; i--) facts.Remove(names[random.Next(names.Length)]);
        return facts;
    }

    private static JsonObject Change(JsonObject facts, (string Fact, JsonNode? Value)[] change)
    {
        foreach (var (fact, value) in change)
        {
            if (value is null) facts.Remove(fact);
            else facts[fact] = value.DeepClone();
        }
        return facts;
    }
}
