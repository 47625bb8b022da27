using System.Text.Json;
using Coverage.Cases;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Store;

/// <summary>
/// Reads what the workflow needs from a case's stored determination JSON. The one place the store parses a
/// determination: a typed reader will replace it (keep any new parsing here until then).
/// </summary>
internal static class StoredDetermination
{
    /// <summary>The determination's lines, by sequence, in the order the determination lists them.</summary>
    public static Dictionary<int, CaseLine> ReadLines(string determinationJson)
    {
        using var document = JsonDocument.Parse(determinationJson);
        var lines = new Dictionary<int, CaseLine>();
        foreach (var line in document.RootElement.GetProperty("lines").EnumerateArray())
        {
            var outcome = line.GetProperty("outcome").GetString()!;
            lines[line.GetProperty("sequence").GetInt32()] = new CaseLine(
                line.GetProperty("sequence").GetInt32(), outcome, WireNames.ParseLineOutcome(outcome), line.GetProperty("requiresPhysicianReview").GetBoolean());
        }
        return lines;
    }
}
