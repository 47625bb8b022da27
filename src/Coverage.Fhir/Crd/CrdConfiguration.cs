using System.Text.Json;

namespace Coverage.Fhir.Crd;

/// <summary>A CRD configuration option a service declares in discovery (davinci-crd.configuration-options).</summary>
public sealed record CrdConfigurationOption(string Code, string Type, string Name, string Description, bool Default);

/// <summary>
/// The Da Vinci CRD configuration of one hook call: the request's <c>extension["davinci-crd.configuration"]</c>, read for
/// the options this server declares and honours. An option it does not declare is ignored (CRD: a client may only send
/// declared options, and a server ignores the others rather than refuse the call).
/// </summary>
public sealed record CrdConfiguration(bool CoverageInfo)
{
    public const string ExtensionName = "davinci-crd.configuration";
    public const string OptionsExtensionName = "davinci-crd.configuration-options";
    public const string VersionExtensionName = "davinci-crd.version";

    /// <summary>The CRD version this server conforms to and declares (docs/decisions.md "CRD version").</summary>
    public const string Version = "2.0.1";

    public static readonly CrdConfiguration Default = new(CoverageInfo: true);

    /// <summary>The options every CRD service of this server honours (the option codes of the CRD IG).</summary>
    public static readonly IReadOnlyList<CrdConfigurationOption> Options =
    [
        new("coverage-info", "boolean", "Coverage Information",
            "Whether the service returns coverage information (covered, prior authorization and documentation needed) for each order, as a system action that updates the order.",
            true),
    ];

    /// <summary>Reads the configuration from the request's extension object (absent or not an object: the defaults).</summary>
    public static CrdConfiguration Read(JsonElement? extension)
    {
        if (extension is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty(ExtensionName, out var configuration) || configuration.ValueKind != JsonValueKind.Object)
            return Default;
        var coverageInfo = configuration.TryGetProperty("coverage-info", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : Default.CoverageInfo;
        return new CrdConfiguration(coverageInfo);
    }
}
