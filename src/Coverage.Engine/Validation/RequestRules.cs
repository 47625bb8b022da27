using System.Buffers;
using System.Globalization;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Validation;

/// <summary>
/// The value rules of a coverage request (request-and-determination.md): text lengths and characters, dates,
/// code formats and their normal forms, ranges, counts, plans and the dates that must agree. The one place they
/// are written: <see cref="Json.RequestReader"/> applies them to JSON after its shape checks, and
/// <see cref="RequestValidator"/> to a <see cref="RequestDraft"/>; both call them in the same order, so that the
/// same request gives the same errors, in the same order, whichever way it came.
/// </summary>
internal sealed class RequestRules(PolicyCatalogue catalogue)
{
    private static readonly DateOnly EarliestBirthDate = new(1880, 1, 1);
    public const int MaxTextLength = 2000;
    public const int MaxIdLength = Identifiers.MaxLength;
    public const int MaxCodeLength = 16;
    public const int MaxModifierLength = 8;
    public const int MaxModifiers = 4;
    public const int MaxSequence = 9999;
    /// <summary>At most this many units (or minutes) on a line, with at most <see cref="UnitDecimals"/> decimals.</summary>
    public const decimal MaxUnits = 99_999m;
    public const int UnitDecimals = 3;

    private List<InputError>? _errors;

    public PolicyCatalogue Catalogue => catalogue;

    public bool HasErrors => _errors is not null;

    public IReadOnlyList<InputError> Errors => _errors ?? [];

    public void Error(FieldPath field, string message) => (_errors ??= []).Add(new InputError(field.ToString(), message));

    /// <summary>Text: not empty (unless allowed), not too long, no control characters but tab and line breaks; trimmed.</summary>
    public string? Text(string text, FieldPath field, int maxLength, bool allowEmpty = false)
    {
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            Error(field, "must not be empty");
            return null;
        }
        if (text.Length > maxLength)
        {
            Error(field, $"is {text.Length} characters long; at most {maxLength} are accepted");
            return null;
        }
        if (ControlCharacters.In(text, prose: true))
        {
            Error(field, ControlCharacters.Message);
            return null;
        }
        return text.Trim();
    }

    /// <summary>
    /// An identifier or code (request id, member and plan ids, procedure and diagnosis codes, modifiers): text as
    /// <see cref="Text"/> checks it, and printable ASCII only. Ids and codes are compared, logged and shown as they
    /// are: a lookalike letter, a fullwidth digit, a zero-width or bidirectional control character would make one
    /// that reads like another, or that shows other than it is.
    /// </summary>
    public string? Id(string text, FieldPath field, int maxLength)
    {
        var checkedText = Text(text, field, maxLength);
        if (checkedText is null) return null;
        var at = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (at < 0) return checkedText;
        var codePoint = Rune.DecodeFromUtf16(text.AsSpan(at), out var rune, out _) == OperationStatus.Done ? rune.Value : text[at];
        Error(field, string.Create(CultureInfo.InvariantCulture, $"must be printable ASCII (found U+{codePoint:X4} at position {at + 1})"));
        return null;
    }

    public DateOnly? Date(string text, FieldPath field)
    {
        if (TryParseDate(text, out var date)) return date;
        Error(field, $"'{InputEcho.Truncate(text)}' is not a valid date (YYYY-MM-DD)");
        return null;
    }

    /// <summary>A YYYY-MM-DD date (<see cref="IsoDate.TryParse"/>); null text is no date.</summary>
    public static bool TryParseDate(string? text, out DateOnly date)
    {
        date = default;
        return text is not null && IsoDate.TryParse(text, out date);
    }

    public static bool InRange(int value, int min, int max) => value >= min && value <= max;

    public void NotWhole(FieldPath field, int min, int max, string given) => Error(field, $"must be a whole number from {min} to {max}, not {given}");

    /// <summary>A line's units: above 0, at most <see cref="MaxUnits"/>, at most <see cref="UnitDecimals"/> decimals (X12 SV104 is a decimal).</summary>
    public decimal? Units(decimal value, FieldPath field)
    {
        if (value > 0 && value <= MaxUnits && decimal.Round(value, UnitDecimals) == value) return value;
        Error(field, string.Create(CultureInfo.InvariantCulture, $"must be a number above 0 and at most {MaxUnits:0} with at most {UnitDecimals} decimals, not {value}"));
        return null;
    }

    /// <summary>A whole number already read as one (a draft's sequence).</summary>
    public int? Whole(int value, FieldPath field, int min, int max)
    {
        if (InRange(value, min, max)) return value;
        NotWhole(field, min, max, value.ToString(CultureInfo.InvariantCulture));
        return null;
    }

    // ------------------------------------------------------------ member

    public void BirthDate(DateOnly? birthDate, DateOnly? dateOfService)
    {
        if (birthDate < EarliestBirthDate) Error("member.birthDate", $"{birthDate:yyyy-MM-dd} is not a plausible date of birth");
        else if (birthDate > dateOfService) Error("member.birthDate", $"{birthDate:yyyy-MM-dd} is after the date of service {dateOfService:yyyy-MM-dd}");
    }

    /// <summary>The plan a (valid) plan id text names; the default plan when there is none.</summary>
    public string PlanId(string? text)
    {
        if (text is not null && catalogue.FindPlan(text) is null)
            Error("member.planId", $"unknown plan '{InputEcho.Truncate(text)}' (known: {string.Join(", ", catalogue.Plans.Select(x => x.Id))})");
        return text ?? catalogue.DefaultPlan.Id;
    }

    /// <summary>
    /// The member's administrative sex (FHIR AdministrativeGender codes, which X12 DMG03 F/M/U map to): female, male
    /// or other; "unknown" states that it is not known, so it is kept as not stated. Anything else is an error.
    /// </summary>
    public string? Sex(string? text, FieldPath field)
    {
        if (text is null) return null;
        var sex = text.Trim().ToLowerInvariant();
        if (sex is "female" or "male" or "other") return sex;
        if (sex == "unknown") return null;
        Error(field, $"'{InputEcho.Truncate(text)}' is not a sex the engine knows (female, male, other, unknown)");
        return null;
    }

    /// <summary>A CMS place-of-service code (text already checked): two digits.</summary>
    public string? PlaceOfService(string? code, FieldPath field)
    {
        if (code is null || CodeFormats.IsPlaceOfService(code)) return code;
        Error(field, $"'{InputEcho.Truncate(code)}' is not a CMS place-of-service code (two digits, such as 11 or 22)");
        return null;
    }

    public Member DefaultMember() => new() { PlanId = catalogue.DefaultPlan.Id };

    // ------------------------------------------------------------ diagnoses

    public bool DiagnosisCount(int count)
    {
        if (count <= RequestLimits.MaxDiagnoses) return true;
        Error("diagnoses", $"{count} diagnoses; at most {RequestLimits.MaxDiagnoses} are accepted");
        return false;
    }

    /// <summary>An ICD-10-CM code (text already checked), kept once in its normal form.</summary>
    public void Diagnosis(string? code, FieldPath field, List<string> diagnoses)
    {
        if (code is null) return;
        if (!CodeFormats.IsIcd10Cm(code)) Error(field, $"'{InputEcho.Truncate(code)}' is not an ICD-10-CM code (such as C50.411)");
        else
        {
            var normalised = CodeFormats.NormaliseIcd10(code);
            if (!diagnoses.Contains(normalised)) diagnoses.Add(normalised);
        }
    }

    // ------------------------------------------------------------ service lines

    public bool LineCount(int count)
    {
        if (count == 0)
        {
            Error("serviceLines", "required: at least one service line");
            return false;
        }
        if (count > RequestLimits.MaxServiceLines)
        {
            Error("serviceLines", $"{count} service lines; at most {RequestLimits.MaxServiceLines} are accepted in one request");
            return false;
        }
        return true;
    }

    public void UniqueSequence(int sequence, List<ServiceLine> lines, FieldPath field)
    {
        foreach (var line in lines)
        {
            if (line.Sequence != sequence) continue;
            Error(field, $"sequence {sequence} is used by another line");
            return;
        }
    }

    public void MissingCode(FieldPath field) => Error(field, "required: the CPT or HCPCS code");

    /// <summary>A CPT or HCPCS code (text already checked); null when it is not one.</summary>
    public string? ProcedureCode(string? code, FieldPath field)
    {
        if (code is null || CodeFormats.IsProcedureCode(code)) return code;
        Error(field, $"'{InputEcho.Truncate(code)}' is not a CPT or HCPCS code (five characters: 12345, 1234F, 1234T, 1234U or A1234)");
        return null;
    }

    public bool ModifierCount(int count, FieldPath field)
    {
        if (count <= MaxModifiers) return true;
        Error(field, $"has {count} modifiers; a line carries at most {MaxModifiers}");
        return false;
    }

    /// <summary>A modifier (text already checked), kept in upper case.</summary>
    public void Modifier(string? modifier, FieldPath field, List<string> modifiers)
    {
        if (modifier is null) return;
        if (!CodeFormats.IsModifier(modifier)) Error(field, $"'{InputEcho.Truncate(modifier)}' is not a CPT/HCPCS modifier (two letters or digits, such as LT or 59)");
        else modifiers.Add(modifier.ToUpperInvariant());
    }

    public void LineDate(DateOnly? lineDate, DateOnly? birthDate, FieldPath field)
    {
        if (lineDate < birthDate) Error(field, $"{lineDate:yyyy-MM-dd} is before the member's date of birth");
    }

    // ------------------------------------------------------------ clinical facts

    /// <summary>The definition of a stated fact: one the catalogue knows and the engine does not derive; null (an error) otherwise.</summary>
    public FactDefinition? ClinicalFact(string name, string field)
    {
        var definition = catalogue.Facts.Find(name);
        if (definition is null)
        {
            Error(field, $"not a clinical fact the engine knows (known: {string.Join(", ", catalogue.Facts.All.Where(f => f.DerivedFrom is null).Select(f => f.Name))})");
            return null;
        }
        if (definition.DerivedFrom is not null)
        {
            Error(field, $"derived by the engine (from {FactDefinitions.Source(definition)}); do not send it");
            return null;
        }
        return definition;
    }

    /// <summary>A number fact's value: within the fact's range. <paramref name="written"/> is the number as the request wrote it, for the message.</summary>
    public bool FactNumber(FactDefinition definition, double number, string written, string field)
    {
        if (number >= definition.Minimum && number <= definition.Maximum) return true;
        Error(field, $"{written} is outside {definition.Minimum}–{definition.Maximum}{(definition.Unit is null ? "" : " " + definition.Unit)}");
        return false;
    }

    /// <summary>A code fact's value in its canonical spelling (the fact's values, compared ignoring case); null (an error) when it is not one of them.</summary>
    public string? FactCode(FactDefinition definition, string text, string field)
    {
        var code = definition.Values.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
        if (code is null) Error(field, $"'{InputEcho.Truncate(text)}' is not one of {string.Join(", ", definition.Values)}");
        return code;
    }

    /// <summary>One code of a list fact (<paramref name="at"/>: clinical.name[i]), added in its canonical spelling; false (an error) when it is not one of the fact's values or is listed twice.</summary>
    public bool FactListItem(FactDefinition definition, string text, string at, List<string> items)
    {
        var code = FactCode(definition, text, at);
        if (code is null) return false;
        if (items.Contains(code))
        {
            Error(at, $"'{code}' is listed twice");
            return false;
        }
        items.Add(code);
        return true;
    }

    /// <summary>What a fact's value must be, for the message that refuses a value of another kind.</summary>
    public static string ExpectedFactValue(FactDefinition definition) => definition.Type switch
    {
        FactType.Boolean => "true or false",
        FactType.Number => "a number" + (definition.Unit is null ? "" : $" ({definition.Unit})"),
        FactType.Date => "a date (yyyy-MM-dd)",
        FactType.List => "a list of " + string.Join(", ", definition.Values) + " ([] when none)",
        _ => "one of " + string.Join(", ", definition.Values),
    };

    /// <summary>A line in its normal form: code in upper case, a blank description dropped, the request's date and place of service not repeated.</summary>
    public static ServiceLine Line(int sequence, string code, string? description, List<string> modifiers, decimal units, DateOnly? lineDate, DateOnly? dateOfService,
        string? linePlace = null, string? requestPlace = null, UnitOfMeasure unit = UnitOfMeasure.Unit) => new()
    {
        Sequence = sequence,
        Code = code.ToUpperInvariant(),
        Description = string.IsNullOrWhiteSpace(description) ? null : description,
        Modifiers = modifiers,
        Units = units / 1.000000000000000000000000000000000m, // without trailing zeros: 1.50 and 1.5 are one value, written one way
        UnitOfMeasure = unit,
        DateOfService = lineDate == dateOfService ? null : lineDate,
        PlaceOfService = linePlace == requestPlace ? null : linePlace,
    };

    /// <summary>The request, when nothing was wrong with it.</summary>
    public CoverageRequest? Request(string? requestId, RequestKind kind, RequestPriority priority, Member? member, DateOnly? dateOfService,
        List<string> diagnoses, List<ServiceLine>? lines, ClinicalFacts? clinical, string? placeOfService = null)
    {
        if (HasErrors || dateOfService is null || member is null || lines is null || clinical is null) return null;
        return new CoverageRequest
        {
            RequestId = requestId,
            Kind = kind,
            Priority = priority,
            Member = member,
            DateOfService = dateOfService.Value,
            Diagnoses = diagnoses,
            ServiceLines = lines,
            Clinical = clinical,
            PlaceOfService = placeOfService,
        };
    }
}
