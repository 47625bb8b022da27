using System.Text.Json.Nodes;

namespace Coverage.Engine.Tests;

/// <summary>
/// Builds coverage request JSON for tests: starts from an on-label cryoablation request (0581T, 2026-05-04,
/// member aged 76, C50.411, every FDA criterion met) and lets each test change what it is about.
/// </summary>
public sealed class RequestBuilder
{
    private readonly JsonObject _root;

    public RequestBuilder()
    {
        _root = JsonNode.Parse("""
        {
          "requestId": "T-1",
          "kind": "prior-authorization",
          "member": { "id": "M-1", "birthDate": "1950-03-01", "planId": "standard" },
          "dateOfService": "2026-05-04",
          "diagnoses": ["C50.411"],
          "serviceLines": [ { "sequence": 1, "code": "0581T", "units": 1 } ],
          "clinical": {
            "tumorSizeCm": 1.2, "focality": "unifocal", "histology": "idc",
            "erStatus": "positive", "prStatus": "positive", "her2Status": "negative",
            "ki67Percent": 8, "genomicRisk": "low", "nodalStatus": "N0",
            "extensiveIntraductalComponent": false, "lymphovascularInvasion": false,
            "adjuvantEndocrineTherapy": true, "recurrent": false,
            "neoadjuvantTherapyIndicated": false, "inflammatoryFeatures": false,
            "adequateBreastSize": true, "breastImplants": false
          }
        }
        """)!.AsObject();
    }

    public RequestBuilder Date(string dateOfService) { _root["dateOfService"] = dateOfService; return this; }
    public RequestBuilder BirthDate(string? birthDate) { _root["member"]!["birthDate"] = birthDate; return this; }
    public RequestBuilder Plan(string planId) { _root["member"]!["planId"] = planId; return this; }
    public RequestBuilder Diagnoses(params string[] codes) { _root["diagnoses"] = new JsonArray(codes.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()); return this; }
    public RequestBuilder NoClinical() { _root.Remove("clinical"); return this; }

    /// <summary>Sets a clinical fact; null removes it (unknown).</summary>
    public RequestBuilder Fact(string name, JsonNode? value)
    {
        var clinical = _root["clinical"]?.AsObject() ?? (JsonObject)(_root["clinical"] = new JsonObject());
        if (value is null) clinical.Remove(name);
        else clinical[name] = value;
        return this;
    }

    /// <summary>Replaces the service lines with one line.</summary>
    public RequestBuilder Line(string code, string? description = null, int sequence = 1)
    {
        _root["serviceLines"] = new JsonArray();
        return AddLine(code, description, sequence);
    }

    public RequestBuilder AddLine(string code, string? description = null, int? sequence = null)
    {
        var lines = _root["serviceLines"]!.AsArray();
        var line = new JsonObject { ["sequence"] = sequence ?? lines.Count + 1, ["code"] = code, ["units"] = 1 };
        if (description is not null) line["description"] = description;
        lines.Add(line);
        return this;
    }

    public RequestBuilder Set(string property, JsonNode? value) { _root[property] = value; return this; }

    /// <summary>Removes member.planId, so that the catalogue's default plan applies.</summary>
    public RequestBuilder NoPlan() { _root["member"]!.AsObject().Remove("planId"); return this; }

    /// <summary>Sets a property of member (a JSON null stays in the request as null).</summary>
    public RequestBuilder MemberField(string property, JsonNode? value) { _root["member"]![property] = value; return this; }

    /// <summary>Sets a property of the service line at <paramref name="index"/> (0-based).</summary>
    public RequestBuilder LineField(int index, string property, JsonNode? value) { _root["serviceLines"]![index]![property] = value; return this; }

    /// <summary>Removes a property of the service line at <paramref name="index"/> (0-based).</summary>
    public RequestBuilder RemoveLineField(int index, string property) { _root["serviceLines"]![index]!.AsObject().Remove(property); return this; }

    /// <summary>Sets a clinical property to the given JSON, null included (unlike <see cref="Fact"/>, which removes on null).</summary>
    public RequestBuilder RawFact(string name, JsonNode? value)
    {
        var clinical = _root["clinical"]?.AsObject() ?? (JsonObject)(_root["clinical"] = new JsonObject());
        clinical[name] = value;
        return this;
    }
    public RequestBuilder Remove(string property) { _root.Remove(property); return this; }

    public string Json() => _root.ToJsonString();

    public override string ToString() => Json();
}
