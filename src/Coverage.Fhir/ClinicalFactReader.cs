using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Coverage.Fhir;

/// <summary>A resource found by following a reference, with the path that names it in the message it came in.</summary>
public sealed record Located(Resource Resource, string Path);

/// <summary>A problem with a FHIR input, with the FHIR element it is about.</summary>
public sealed record FhirProblem(string Message, string Expression);

/// <summary>
/// Reads the clinical facts of the coverage request ("clinical") from FHIR, for PAS and CRD alike: a
/// Claim.supportingInfo or an Observation carries a fact when one of its codings is bound to it — Coverage's own
/// code system (<see cref="FhirSystems.ClinicalFact"/>, the fact name as code) or a coding the catalogue binds to
/// the fact (facts[].codes, e.g. LOINC). Codings that carry no fact are not this reader's business (attachments,
/// other information) and are passed over. A value that cannot be read exactly — a unit that does not convert
/// exactly, a quantity with a comparator, a partial date, a code not among the fact's values — is a problem naming
/// the element, never a guess; so is a fact stated twice with different values (<see cref="Mode.Strict"/>).
/// The values are read as typed fact values (<see cref="Facts"/>) for the request draft; the one request validator then
/// checks them against the catalogue (ranges) like every other request.
/// </summary>
public sealed class ClinicalFactReader(FactDefinitions facts, ClinicalFactReader.Mode mode = ClinicalFactReader.Mode.Strict)
{
    public enum Mode
    {
        /// <summary>What a request states for itself (a Claim's supportingInfo, an order's supportingInfo): a fact stated twice must agree.</summary>
        Strict,
        /// <summary>
        /// A patient's record (CRD's prefetched Observations): a fact recorded more than once takes its latest value
        /// (by effective time, else issued); when the latest records disagree, the fact stays unknown.
        /// </summary>
        Latest,
    }

    /// <summary>One statement of a fact: its value, and the value as the request JSON writes it (statements agree when that is the same).</summary>
    private sealed record Statement(string Fact, FactValue Value, JsonValue Json, string Shown, string Path, DateTimeOffset? When);

    private readonly Dictionary<string, List<Statement>> _statements = new(StringComparer.Ordinal);
    private readonly List<FhirProblem> _problems = [];

    public IReadOnlyList<FhirProblem> Problems => _problems;

    /// <summary>The facts read (fact name → value), ordered by name: a request draft's clinical facts.</summary>
    public List<KeyValuePair<string, FactValue>> Facts()
    {
        var facts = new List<KeyValuePair<string, FactValue>>(_statements.Count);
        foreach (var (fact, statements) in _statements.OrderBy(s => s.Key, StringComparer.Ordinal))
            if (Decided(statements) is { } statement) facts.Add(new(fact, statement.Value));
        return facts;
    }

    /// <summary>The facts read, as the request JSON's "clinical" object writes them (fact name → value), ordered by name.</summary>
    public JsonObject Clinical()
    {
        var clinical = new JsonObject();
        foreach (var (fact, statements) in _statements.OrderBy(s => s.Key, StringComparer.Ordinal))
            if (Decided(statements) is { } statement) clinical[fact] = statement.Json.DeepClone();
        return clinical;
    }

    /// <summary>Where the value of a fact was read (for errors the request reader finds in it); null when it was not read.</summary>
    public string? PathOf(string fact) =>
        _statements.TryGetValue(fact, out var statements) && Decided(statements) is { } statement ? statement.Path : null;

    private Statement? Decided(List<Statement> statements)
    {
        if (mode == Mode.Strict) return statements[0];
        var latest = statements.Max(s => s.When ?? DateTimeOffset.MinValue);
        var candidates = statements.Where(s => (s.When ?? DateTimeOffset.MinValue) == latest).ToList();
        return candidates.Select(s => s.Json.ToJsonString()).Distinct(StringComparer.Ordinal).Count() == 1 ? candidates[0] : null;
    }

    // ------------------------------------------------------------------ Claim.supportingInfo

    /// <summary>
    /// One Claim.supportingInfo: the fact is named by a coding of its category (the value then in value[x], or for a
    /// code fact in code, or for a date fact in timing[x]) or of its code (the value in value[x] or timing[x]); a
    /// valueReference to an Observation is read as that Observation. Information that carries no fact is passed over.
    /// </summary>
    public void ReadSupportingInfo(Claim.SupportingInformationComponent info, string path, Func<ResourceReference, Located?> resolve)
    {
        var byCategory = FactOf(info.Category, path + ".category");
        var byCode = FactOf(info.Code, path + ".code");
        if (byCategory.Problem || byCode.Problem) return;
        if (byCategory.Fact is not null && byCode.Fact is not null && byCategory.Fact != byCode.Fact)
        {
            Problem($"{path}: category names the clinical fact '{byCategory.Fact.Name}' and code names '{byCode.Fact.Name}'; one supportingInfo carries one fact", path);
            return;
        }
        var fact = byCategory.Fact ?? byCode.Fact;

        if (info.Value is ResourceReference reference)
        {
            var target = resolve(reference);
            if (target?.Resource is Observation observation)
            {
                ReadObservation(observation, target.Path, fact, $"{path}.valueReference");
                return;
            }
            if (target?.Resource is QuestionnaireResponse response && fact is null)
            {
                // A DTR-completed questionnaire (Da Vinci DTR): its answers are the facts.
                ReadQuestionnaireResponse(response, target.Path);
                return;
            }
            if (fact is null) return; // e.g. a DocumentReference: other information
            Problem(target is null
                ? $"{path}.valueReference: '{InputEcho.Truncate(reference.Reference)}' is not in the Bundle; the clinical fact '{fact.Name}' needs its value here or in an Observation the Bundle holds"
                : $"{path}.valueReference: the clinical fact '{fact.Name}' is read from an Observation, not a {target.Resource.TypeName}", path + ".valueReference");
            return;
        }
        if (fact is null) return;
        if (!Readable(fact, path + (byCategory.Fact is not null ? ".category" : ".code"))) return;

        DataType? value = info.Value;
        var valuePath = value is null ? null : $"{path}.{ValueElement(value)}";
        if (value is null && fact.Type == FactType.Date && info.Timing is not null)
            (value, valuePath) = (info.Timing, $"{path}.timing{Capitalized(info.Timing.TypeName)}");
        if (value is null && fact.Type == FactType.Code && byCategory.Fact is not null && info.Code is not null)
            (value, valuePath) = (info.Code, $"{path}.code");
        if (value is null)
        {
            Problem($"{path}: names the clinical fact '{fact.Name}' but gives no value ({Expected(fact, supportingInfo: true)})", path);
            return;
        }
        Add(fact, value, valuePath!, when: null, supportingInfo: true);
    }

    // ------------------------------------------------------------------ Observation

    /// <summary>
    /// An Observation: its code names the fact (or <paramref name="expected"/>, the fact the supportingInfo that
    /// cites it names), its value[x] is the value. An Observation entered in error or cancelled states nothing; one
    /// with a dataAbsentReason leaves the fact unknown.
    /// </summary>
    public void ReadObservation(Observation observation, string path, FactDefinition? expected = null, string? citedAt = null)
    {
        var cited = citedAt is null ? "" : $" (cited by {citedAt})";
        var named = FactOf(observation.Code, path + ".code");
        if (named.Problem) return;
        if (expected is not null && named.Fact is not null && named.Fact != expected)
        {
            Problem($"{path}.code: the Observation{cited} carries the clinical fact '{named.Fact.Name}', but the supportingInfo citing it names '{expected.Name}'", path + ".code");
            return;
        }
        var fact = named.Fact ?? expected;
        if (fact is null) return;
        if (!Readable(fact, path + ".code")) return;
        if (observation.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled)
        {
            if (expected is not null)
                Problem($"{path}.status: the Observation{cited} for the clinical fact '{fact.Name}' is {observation.Status.GetLiteral()}; it states no value", path + ".status");
            return;
        }
        if (observation.Value is null)
        {
            if (observation.DataAbsentReason is not null) return; // the EHR says it does not know: the fact stays unknown
            Problem($"{path}: the Observation{cited} for the clinical fact '{fact.Name}' has no value[x] ({Expected(fact, supportingInfo: false)})", path);
            return;
        }
        Add(fact, observation.Value, $"{path}.{ValueElement(observation.Value)}", When(observation), supportingInfo: false);
    }

    // ------------------------------------------------------------------ QuestionnaireResponse (DTR)

    /// <summary>DTR's information-origin extension on an answer: who gave it (auto, override, manual).</summary>
    public const string InformationOrigin = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin";

    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    /// <summary>Where each fact read from a QuestionnaireResponse came from (DTR information-origin source: auto, override, manual…).</summary>
    public IReadOnlyDictionary<string, string> Origins => _origins;

    private readonly Dictionary<string, string> _questions = new(StringComparer.Ordinal);

    /// <summary>The longest question text kept (the information document's limit): a form's question, not a document; longer is cut, not refused.</summary>
    public const int MaxQuestionLength = 2000;

    /// <summary>The text of the question each fact read from a QuestionnaireResponse answered (its item's <c>text</c>), when the form gave one.</summary>
    public IReadOnlyDictionary<string, string> Questions => _questions;

    /// <summary>
    /// A QuestionnaireResponse (a DTR questionnaire this payer generated, or any form whose items are linked by fact
    /// name): an item whose linkId is a clinical fact of the catalogue carries it in its answer — valueQuantity or
    /// valueDecimal/valueInteger for a number, valueBoolean, valueCoding (clinical-fact-value) or valueString for a code,
    /// valueDate for a date. Items that name no fact (the birth date, which the Patient carries; other questions) are
    /// passed over, as are unanswered ones (the fact stays unknown). A response entered in error or stopped states nothing.
    /// </summary>
    public void ReadQuestionnaireResponse(QuestionnaireResponse response, string path)
    {
        if (response.Status is QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError or QuestionnaireResponse.QuestionnaireResponseStatus.Stopped) return;
        ReadItems(response.Item, $"{path}.item");
    }

    private void ReadItems(List<QuestionnaireResponse.ItemComponent> items, string path)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var itemPath = $"{path}[{i}]";
            ReadItems(item.Item, $"{itemPath}.item");
            for (var a = 0; a < item.Answer.Count; a++) ReadItems(item.Answer[a].Item, $"{itemPath}.answer[{a}].item");
            if (item.LinkId is not { } linkId || facts.Find(linkId) is not { } fact || item.Answer.Count == 0) continue;
            if (!Readable(fact, $"{itemPath}.linkId")) continue;
            if (item.Answer.Count > 1)
            {
                Problem($"{itemPath}.answer: the clinical fact '{fact.Name}' takes one answer; this item has {item.Answer.Count}", $"{itemPath}.answer");
                continue;
            }
            var answer = item.Answer[0];
            if (answer.Value is null) continue;
            var before = _statements.ContainsKey(fact.Name);
            Add(fact, answer.Value, $"{itemPath}.answer[0].{ValueElement(answer.Value)}", when: null, supportingInfo: false);
            if (!before && _statements.ContainsKey(fact.Name))
            {
                _origins[fact.Name] = answer.GetExtension(InformationOrigin)?.GetExtension("source")?.Value is Code { Value: { } source } ? source : "unstated";
                if (!string.IsNullOrWhiteSpace(item.Text))
                    _questions[fact.Name] = item.Text.Length <= MaxQuestionLength ? item.Text : item.Text[..MaxQuestionLength];
            }
        }
    }

    /// <summary>When an Observation holds (effective[x], else issued): only to order a patient's records.</summary>
    private static DateTimeOffset? When(Observation observation) => observation.Effective switch
    {
        FhirDateTime { Value: { } text } when Moment(text) is { } at => at,
        Period { Start: { } start } when Moment(start) is { } at => at,
        Instant { Value: { } at } => at,
        _ => observation.Issued,
    };

    private static DateTimeOffset? Moment(string dateTime) =>
        DateTimeOffset.TryParse(dateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    // ------------------------------------------------------------------ facts and values

    private (FactDefinition? Fact, bool Problem) FactOf(CodeableConcept? concept, string path)
    {
        if (concept is null) return (null, false);
        var found = new List<FactDefinition>();
        foreach (var coding in concept.Coding)
        {
            FactDefinition? fact;
            if (coding.System == FhirSystems.ClinicalFact)
            {
                fact = facts.Find(coding.Code ?? "");
                if (fact is null)
                {
                    Problem($"{path}: '{InputEcho.Truncate(coding.Code)}' is not a clinical fact of this payer's catalogue (code system {FhirSystems.ClinicalFact})", path);
                    return (null, true);
                }
            }
            else fact = facts.FindByCoding(coding.System, coding.Code);
            if (fact is not null && !found.Contains(fact)) found.Add(fact);
        }
        if (found.Count > 1)
        {
            Problem($"{path}: its codings name different clinical facts ({string.Join(", ", found.Select(f => f.Name))})", path);
            return (null, true);
        }
        return (found.SingleOrDefault(), false);
    }

    /// <summary>A derived fact (age, time since a date) is computed by the engine; stating it is an error, as in the request JSON.</summary>
    private bool Readable(FactDefinition fact, string path)
    {
        if (fact.DerivedFrom is null) return true;
        Problem($"{path}: the clinical fact '{fact.Name}' is derived by the engine ({(fact.Of is null ? "from the member's birth date" : $"from '{fact.Of}'")} and the date of service); do not send it", path);
        return false;
    }

    private void Add(FactDefinition fact, DataType value, string path, DateTimeOffset? when, bool supportingInfo)
    {
        var read = Value(fact, value, path, supportingInfo);
        if (read is null) return;
        var (json, typed, shown) = read.Value;
        var statement = new Statement(fact.Name, typed, json, shown, path, when);
        if (!_statements.TryGetValue(fact.Name, out var statements))
        {
            _statements[fact.Name] = [statement];
            return;
        }
        if (mode == Mode.Strict)
        {
            var first = statements[0];
            if (first.Json.ToJsonString() != json.ToJsonString())
                Problem($"{path}: the clinical fact '{fact.Name}' is stated twice with different values: {shown} here and {first.Shown} at {first.Path}", path);
            return;
        }
        statements.Add(statement);
    }

    /// <summary>The value in the request JSON's form, as a fact value, and as shown in messages; or null after recording why it cannot be read.</summary>
    private (JsonValue Json, FactValue Typed, string Shown)? Value(FactDefinition fact, DataType value, string path, bool supportingInfo)
    {
        switch (fact.Type)
        {
            case FactType.Boolean when value is FhirBoolean { Value: { } boolean }:
                return (JsonValue.Create(boolean), FactValue.Of(boolean), boolean ? "true" : "false");
            case FactType.Number when value is Quantity quantity:
                return Number(fact, quantity, path);
            case FactType.Number when value is Integer { Value: { } integer } && fact.Unit is null:
                return (JsonValue.Create(integer), FactValue.Of(integer), integer.ToString(CultureInfo.InvariantCulture));
            case FactType.Number when value is FhirDecimal { Value: { } number } && fact.Unit is null:
                return (JsonValue.Create((double)number), FactValue.Of((double)number), number.ToString(CultureInfo.InvariantCulture));
            case FactType.Code when value is Coding { System: FhirSystems.ClinicalFactValue, Code: { } coded }:
                return Code(fact, coded, path);
            case FactType.Code when value is FhirString { Value: { } text }:
                return Code(fact, text, path);
            case FactType.Code when value is CodeableConcept concept:
                var codes = concept.Coding.Where(c => c.System == FhirSystems.ClinicalFactValue && c.Code is not null).Select(c => c.Code!).Distinct(StringComparer.Ordinal).ToList();
                if (codes.Count == 1) return Code(fact, codes[0], path);
                Problem(codes.Count == 0
                    ? $"{path}: the clinical fact '{fact.Name}' is read from a coding of {FhirSystems.ClinicalFactValue} (one of {string.Join(", ", fact.Values)}); this CodeableConcept has none"
                    : $"{path}: several values for the clinical fact '{fact.Name}' ({string.Join(", ", codes.Select(c => InputEcho.Truncate(c)))})", path);
                return null;
            case FactType.Date:
                return Date(fact, value, path);
            default:
                Problem($"{path}: the clinical fact '{fact.Name}' is {Expected(fact, supportingInfo)}, not a {value.TypeName}", path);
                return null;
        }
    }

    private (JsonValue, FactValue, string)? Code(FactDefinition fact, string text, string path)
    {
        var code = fact.Values.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
        if (code is not null) return (JsonValue.Create(code), FactValue.OfCode(code), code);
        Problem($"{path}: '{InputEcho.Truncate(text)}' is not a value of the clinical fact '{fact.Name}' (one of {string.Join(", ", fact.Values)})", path);
        return null;
    }

    private (JsonValue, FactValue, string)? Number(FactDefinition fact, Quantity quantity, string path)
    {
        if (quantity.Value is not { } number)
        {
            Problem($"{path}: the quantity for the clinical fact '{fact.Name}' has no value", path);
            return null;
        }
        if (quantity.Comparator is { } comparator)
        {
            Problem($"{path}: '{comparator.GetLiteral()} {number.ToString(CultureInfo.InvariantCulture)}' is a bound, not a value; the clinical fact '{fact.Name}' needs the value itself", path);
            return null;
        }
        var factor = Units.Factor(quantity, fact.Unit, out var why);
        if (factor is null)
        {
            Problem($"{path}: {why} (clinical fact '{fact.Name}')", path);
            return null;
        }
        decimal converted;
        try { converted = number * factor.Value; }
        catch (OverflowException)
        {
            Problem($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is not a number the engine can use", path);
            return null;
        }
        var shown = converted.ToString(CultureInfo.InvariantCulture) + (fact.Unit is null ? "" : " " + fact.Unit);
        if (factor != 1m) shown += $" ({number.ToString(CultureInfo.InvariantCulture)} {quantity.Code})";
        return (JsonValue.Create((double)converted), FactValue.Of((double)converted), shown);
    }

    private (JsonValue, FactValue, string)? Date(FactDefinition fact, DataType value, string path)
    {
        string? day;
        switch (value)
        {
            case Date { Value: { } text }:
                day = text;
                break;
            case FhirDateTime { Value: { } text }:
                day = text;
                break;
            case FhirString { Value: { } text }:
                day = text;
                break;
            case Period period:
                var start = period.Start;
                if (start is null || (period.End is { } end && end[..Math.Min(10, end.Length)] != start[..Math.Min(10, start.Length)]))
                {
                    Problem($"{path}: a period is one date only when it starts on a day and ends that day (or has no end); the clinical fact '{fact.Name}' is one date", path);
                    return null;
                }
                day = start;
                break;
            default:
                Problem($"{path}: the clinical fact '{fact.Name}' is a date, not a {value.TypeName}", path);
                return null;
        }
        // A dateTime is read as the calendar day it was written in; a year or a month is not a day.
        var date = day.Length >= 10 && DateOnly.TryParseExact(day[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null;
        if (date is null || (value is FhirString && day.Length != 10))
        {
            Problem($"{path}: '{InputEcho.Truncate(day)}' is not a full date (yyyy-MM-dd); the clinical fact '{fact.Name}' needs the day", path);
            return null;
        }
        var iso = date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (JsonValue.Create(iso), FactValue.OfDate(date.Value), iso);
    }

    private static string Expected(FactDefinition fact, bool supportingInfo) => fact.Type switch
    {
        FactType.Boolean => "a boolean (valueBoolean)",
        FactType.Number => fact.Unit is null ? "a number (valueQuantity without a unit" + (supportingInfo ? ")" : ", or valueInteger)") : $"a quantity in {fact.Unit} (valueQuantity with UCUM code '{fact.Unit}'{Units.Alternatives(fact.Unit)})",
        FactType.Code => $"one of {string.Join(", ", fact.Values)} (valueString{(supportingInfo ? "" : ", or valueCodeableConcept")} with a coding of {FhirSystems.ClinicalFactValue})",
        // A list (the drugs tried) has no one FHIR value to carry it; it is sent through the REST information endpoint.
        FactType.List => "a list of codes, which is not read from FHIR resources yet (send it as clinical." + fact.Name + " through the information endpoint)",
        _ => supportingInfo ? "a date (timingDate, or timingPeriod within one day)" : "a date (valueDateTime, or valuePeriod within one day)",
    };

    private static string ValueElement(DataType value) => "value" + Capitalized(value.TypeName);

    private static string Capitalized(string typeName) => char.ToUpperInvariant(typeName[0]) + typeName[1..];

    /// <summary>A request with more problems than this is answered with the first ones: enough to fix, bounded to send.</summary>
    public const int MaxProblems = 50;

    private void Problem(string message, string expression)
    {
        if (_problems.Count < MaxProblems) _problems.Add(new FhirProblem(message, expression));
    }
}

/// <summary>
/// UCUM units the fact reader converts between: only exact conversions (the metric length prefixes and the
/// international inch, defined as exactly 2.54 cm). Any other unit is read only when it is the fact's own.
/// </summary>
internal static class Units
{
    private static readonly Dictionary<string, (string Dimension, decimal InBase)> Known = new(StringComparer.Ordinal)
    {
        ["mm"] = ("length", 0.001m),
        ["cm"] = ("length", 0.01m),
        ["dm"] = ("length", 0.1m),
        ["m"] = ("length", 1m),
        ["[in_i]"] = ("length", 0.0254m),
    };

    /// <summary>What the fact's own unit accepts besides itself, for messages.</summary>
    public static string Alternatives(string unit) =>
        Known.TryGetValue(unit, out var own) && Known.Where(k => k.Value.Dimension == own.Dimension && k.Key != unit).Select(k => k.Key).ToList() is { Count: > 0 } others
            ? ", or " + string.Join(", ", others)
            : "";

    /// <summary>The exact factor from the quantity's unit to the fact's unit (1 when they are the same), or null with the reason.</summary>
    public static decimal? Factor(Quantity quantity, string? factUnit, out string? why)
    {
        why = null;
        if (quantity.System is { } system && system != FhirSystems.Ucum)
        {
            why = $"the unit's system is '{InputEcho.Truncate(system)}'; units are read as UCUM ({FhirSystems.Ucum})";
            return null;
        }
        var code = quantity.Code;
        if (factUnit is null)
        {
            // A count or a score: no unit, UCUM's unity "1", or a UCUM annotation such as {score}, which also means 1.
            if (code is null && quantity.Unit is null) return 1m;
            if (quantity.System == FhirSystems.Ucum && (code == "1" || (code is { Length: > 2 } && code[0] == '{' && code[^1] == '}' && code.IndexOf('}') == code.Length - 1))) return 1m;
            why = $"the value has no unit, but the quantity says '{InputEcho.Truncate(code ?? quantity.Unit)}'";
            return null;
        }
        if (code is null || quantity.System is null)
        {
            why = $"the unit must be coded in UCUM (system {FhirSystems.Ucum}, code '{factUnit}'{Alternatives(factUnit)}), not only written{(quantity.Unit is null ? "" : $" as '{InputEcho.Truncate(quantity.Unit)}'")}";
            return null;
        }
        if (code == factUnit) return 1m;
        if (Known.TryGetValue(code, out var from) && Known.TryGetValue(factUnit, out var to) && from.Dimension == to.Dimension)
            return from.InBase / to.InBase;
        why = $"'{InputEcho.Truncate(code)}' does not convert exactly to {factUnit}; give the value in {factUnit}{Alternatives(factUnit)}";
        return null;
    }
}
