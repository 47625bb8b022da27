using System.Text.Json;

namespace Coverage.Fhir.Crd;

/// <summary>A CRD configuration option a service declares in discovery (davinci-crd.configuration-options).</summary>
public sealed record CrdConfigurationOption(string Code, string Type, string Name, string Description, bool Default);

/// <summary>
/// The Da Vinci CRD configuration of one hook call: the request's <c>extension["davinci-crd.configuration"]</c>, read for
/// the options this server declares and honours. An option it does not declare is ignored (CRD: a client may only send
/// declared options, and a server ignores the others rather than refuse the call).
/// </summary>
/// <param name="CoverageInfo">coverage-info: the coverage-information update of each order.</param>
/// <param name="Guideline">guideline: External Reference cards linking the policy that decided an order.</param>
/// <param name="PriorAuthInstructions">prior-auth-instructions: the Instructions card on requesting a prior authorization.</param>
public sealed record CrdConfiguration(bool CoverageInfo, bool Guideline = true, bool PriorAuthInstructions = true)
{
    public const string ExtensionName = "davinci-crd.configuration";
    public const string OptionsExtensionName = "davinci-crd.configuration-options";
    public const string VersionExtensionName = "davinci-crd.version";

    /// <summary>The CRD version this server conforms to and declares (docs/decisions.md "CRD version").</summary>
    public const string Version = "2.0.1";

    public static readonly CrdConfiguration Default = new(CoverageInfo: true);

    /// <summary>
    /// The options every CRD service of this server honours: one per type of answer it returns, each a boolean whose
    /// false means none of that type (CRD 2.0.1@115, @116), coded with the CRD card type where one applies (@121).
    /// </summary>
    public static readonly IReadOnlyList<CrdConfigurationOption> Options =
    [
        new("coverage-info", "boolean", "Coverage Information",
            "Whether the service returns coverage information (covered, prior authorization and documentation needed) for each order, as a system action that updates the order.",
            true),
        new("guideline", "boolean", "Coverage policy links",
            "Whether the service returns a card linking the coverage policy (the version applied) that decided an order.",
            true),
        new("prior-auth-instructions", "boolean", "Prior authorization instructions",
            "Whether the service returns a card saying where a prior authorization an order needs is requested and within what time the plan decides it.",
            true),
    ];

    /// <summary>Reads the configuration from the request's extension object (absent or not an object: the defaults).</summary>
    public static CrdConfiguration Read(JsonElement? extension)
    {
        if (extension is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty(ExtensionName, out var configuration) || configuration.ValueKind != JsonValueKind.Object)
            return Default;
        return new CrdConfiguration(
            Flag(configuration, "coverage-info", Default.CoverageInfo), Flag(configuration, "guideline", Default.Guideline),
            Flag(configuration, "prior-auth-instructions", Default.PriorAuthInstructions));
    }

    /// <summary>A boolean option as sent; anything else (absent, not a boolean) leaves its default (2.0.1@117: handled gracefully).</summary>
    private static bool Flag(JsonElement configuration, string code, bool byDefault) =>
        configuration.TryGetProperty(code, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : byDefault;

    /// <summary>Whether the call wants any answer at all.</summary>
    public bool WantsAnything => CoverageInfo || Guideline || PriorAuthInstructions;
}
