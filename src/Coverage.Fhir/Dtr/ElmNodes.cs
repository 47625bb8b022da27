using System.Text.Json.Nodes;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The ELM (JSON) nodes the pre-population Library's definitions are written with, each the node the CQL-to-ELM
/// translator gives for the same CQL (no translator runs offline in .NET; tools/dtr-elm-check executes the result).
/// </summary>
internal static class ElmNodes
{
    public static JsonObject Statement(string name, JsonObject expression, bool isPublic = true)
    {
        var statement = new JsonObject { ["name"] = name, ["context"] = "Patient" };
        if (isPublic) statement["accessLevel"] = "Public";
        statement["expression"] = expression;
        return statement;
    }

    public static JsonObject Retrieve(string type) => new()
    {
        ["type"] = "Retrieve",
        ["dataType"] = "{http://hl7.org/fhir}" + type,
        ["templateId"] = "http://hl7.org/fhir/StructureDefinition/" + type,
    };

    public static JsonObject Property(string path, JsonObject source) => new() { ["type"] = "Property", ["path"] = path, ["source"] = source };

    public static JsonObject ScopedProperty(string path, string scope) => new() { ["type"] = "Property", ["path"] = path, ["scope"] = scope };

    public static JsonObject Literal(string value) => new() { ["type"] = "Literal", ["valueType"] = "{urn:hl7-org:elm-types:r1}String", ["value"] = value };

    public static JsonObject Strings(IEnumerable<string> values) =>
        new() { ["type"] = "List", ["element"] = new JsonArray([.. values.Select(v => (JsonNode)Literal(v))]) };

    /// <summary>An operator of one or more operands (In, Equal, And, Or, StartsWith, ReplaceMatches…).</summary>
    public static JsonObject Operator(string type, params JsonNode[] operands) => new() { ["type"] = type, ["operand"] = new JsonArray(operands) };

    /// <summary>A unary operator (Not, Exists, Upper, Flatten…).</summary>
    public static JsonObject Unary(string type, JsonNode operand) => new() { ["type"] = type, ["operand"] = operand };

    /// <summary>A query over one source (alias) with a where clause, and optionally a let clause and a return (all, not distinct).</summary>
    public static JsonObject Query(string alias, JsonObject source, JsonObject where, (string Name, JsonObject Expression)? let = null, JsonObject? returns = null)
    {
        var query = new JsonObject
        {
            ["type"] = "Query",
            ["source"] = new JsonArray { new JsonObject { ["alias"] = alias, ["expression"] = source } },
        };
        if (let is { } l) query["let"] = new JsonArray { new JsonObject { ["identifier"] = l.Name, ["expression"] = l.Expression } };
        query["relationship"] = new JsonArray();
        query["where"] = where;
        if (returns is not null) query["return"] = new JsonObject { ["distinct"] = false, ["expression"] = returns };
        return query;
    }
}
