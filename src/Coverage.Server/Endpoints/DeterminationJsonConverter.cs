using System.Text.Json;
using System.Text.Json.Serialization;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Server.Endpoints;

/// <summary>
/// A determination in an API response as the contract writes it (<see cref="DeterminationWriter"/>: its property
/// names, enumeration strings and order), not as the serializer would shape the model, and read back by the one reader.
/// </summary>
public sealed class DeterminationJsonConverter : JsonConverter<Determination>
{
    public override Determination Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return DeterminationReader.Read(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, Determination value, JsonSerializerOptions options) => DeterminationWriter.Write(writer, value);
}
