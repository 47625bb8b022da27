using Coverage.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.Fuzz;

/// <summary>
/// The FHIR JSON reader, differentially: what our own reader (<see cref="PocoJsonReader"/>) takes must be exactly what
/// Firely's reader makes of the same bytes (without its validator, as <see cref="FhirJson"/> uses ours), and
/// <see cref="FhirJson.Parse{T}(ReadOnlySpan{byte}, out OperationOutcome?)"/> must answer every input with a resource or
/// its problems, never an exception.
/// </summary>
internal static class FhirReadTarget
{
    private static readonly FhirJsonDeserializer Firely = new(new DeserializerSettings { Validator = null });

    public static void Run(byte[] input)
    {
        Resource? ours;
        try
        {
            ours = PocoJsonReader.TryRead(input);
        }
        catch (Exception)
        {
            // FhirJson hands anything our reader throws to Firely's: not a wrong answer, only a slower one.
            ours = null;
        }
        if (ours is not null)
        {
            Resource theirs;
            try
            {
                var reader = new System.Text.Json.Utf8JsonReader(input);
                theirs = Firely.DeserializeResource(ref reader);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"our reader took a resource Firely's refuses: {e.GetType().Name}: {e.Message}");
            }
            if (!ours.IsExactly(theirs))
                throw new InvalidOperationException("our reader and Firely's read the same bytes into different resources");
        }

        // The reader every request goes through: a resource or its problems, whatever the bytes.
        var parsed = FhirJson.Parse<Resource>(input, out var problems);
        if ((parsed is null) == (problems is null)) throw new InvalidOperationException("FhirJson.Parse gave both a resource and problems, or neither");
        if (parsed is not null) _ = FhirJson.Serialize(parsed);
    }
}
