using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// A PAS Subscription (R4 Subscriptions Backport, PAS profile-subscription) as a client posts it, checked: the topic is
/// the PAS topic; a filter names the sending organisation (spec-58); the channel is rest-hook (spec-56) with a
/// full-resource payload (spec-62) of FHIR JSON; the endpoint is an https URL (http only when the operator allows it);
/// headers are "Name: value". Whether the endpoint's address may be called is the server's check (it resolves names).
/// </summary>
public sealed record SubscriptionRequest(
    string FilterCriteria, IReadOnlyList<string> OrganisationIdentifiers, Uri Endpoint, string ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers, DateTimeOffset? End, string? Reason, int? TimeoutSeconds, int? HeartbeatSeconds = null)
{
    /// <summary>
    /// The shortest heartbeat period the server keeps (a keep-alive more often than once a minute is load, not
    /// information); a shorter one asked for is raised to it, and the Subscription answered says so.
    /// </summary>
    public const int MinHeartbeatSeconds = 60;

    public const string Topic = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic";
    public const string BackportSubscriptionProfile = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription";
    public const string PasSubscriptionProfile = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-subscription";
    public const string FilterCriteriaExtension = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria";
    public const string PayloadContentExtension = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";
    public const string TimeoutExtension = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-timeout";
    public const string HeartbeatExtension = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period";
    public const string TopicCanonicalExtension = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";
    public const string FullResource = "full-resource";

    /// <summary>The MIME types a notification may be posted as: FHIR JSON (the Inferno kit also accepts plain JSON).</summary>
    public static readonly IReadOnlyList<string> ContentTypes = ["application/fhir+json", "application/json"];

    public const int MaxHeaders = 10;
    public const int MaxHeaderLength = 4096;
    public const int MaxEndpointLength = 2048;
    public const int MaxFilterLength = 1024;

    /// <summary>Headers the server sets itself (or that would change how the request is framed); a client may not.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade",
        "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Expect", "Cookie",
    };

    /// <summary>
    /// Reads the Subscription, or says what is wrong, each problem naming its element. The filter key is
    /// <c>org-identifier</c> (PAS 2.2.1 and the Inferno kit), also accepted as <c>orgIdentifier</c> (the topic's
    /// filterParameter and the IG's own example); several identifiers may be listed with commas.
    /// </summary>
    public static SubscriptionRequest? Read(Subscription subscription, bool allowHttp, DateTimeOffset now, out OperationOutcome? error)
    {
        var problems = new List<(string Message, string? Expression)>();
        void Problem(string message, string expression) => problems.Add(($"{expression}: {message}", expression));

        if (subscription.Criteria != Topic)
            Problem($"must be the PAS subscription topic '{Topic}' (the only topic this server offers).", "Subscription.criteria");

        var filters = subscription.CriteriaElement?.Extension.Where(e => e.Url == FilterCriteriaExtension).ToList() ?? [];
        var identifiers = new List<string>();
        if (filters.Count == 0)
            Problem("a backport-filter-criteria extension 'org-identifier=<sending system identifier>' is required (PAS spec-58).", "Subscription.criteria.extension");
        foreach (var filter in filters)
        {
            var value = (filter.Value as FhirString)?.Value ?? "";
            var parts = value.Split('=', 2);
            var key = parts[0].Trim();
            var ids = parts.Length == 2 ? parts[1].Split(',').Select(i => i.Trim()).ToList() : [];
            if (Coverage.Engine.Validation.ControlCharacters.In(value))
                Problem($"the filter {Coverage.Engine.Validation.ControlCharacters.Message}.", "Subscription.criteria.extension");
            else if (value.Length > MaxFilterLength || key is not ("org-identifier" or "orgIdentifier") || ids.Count == 0 || ids.Any(i => i.Length == 0 || i.Any(char.IsWhiteSpace)))
                Problem($"the filter '{InputEcho(value)}' is not 'org-identifier=<identifier>[,<identifier>…]'.", "Subscription.criteria.extension");
            else identifiers.AddRange(ids);
        }

        var channel = subscription.Channel;
        if (channel is null)
        {
            Problem("required.", "Subscription.channel");
            error = Outcomes.Invalid(problems);
            return null;
        }
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook || channel.TypeElement?.Extension.Count > 0)
            Problem("only 'rest-hook' is supported (PAS spec-56).", "Subscription.channel.type");
        var contentType = channel.Payload;
        if (contentType is null || !ContentTypes.Contains(contentType, StringComparer.Ordinal))
            Problem("must be 'application/fhir+json'.", "Subscription.channel.payload");
        var content = (channel.PayloadElement?.Extension.FirstOrDefault(e => e.Url == PayloadContentExtension)?.Value as Code)?.Value;
        if (content != FullResource)
            Problem($"the backport-payload-content must be 'full-resource' (PAS spec-62){(content is null ? "" : $", not '{InputEcho(content)}'")}.", "Subscription.channel.payload.extension");

        var endpoint = ReadEndpoint(channel.Endpoint, allowHttp, out var endpointProblem);
        if (endpointProblem is not null) Problem(endpointProblem, "Subscription.channel.endpoint");

        var headers = new List<KeyValuePair<string, string>>();
        var given = channel.HeaderElement.Select(h => h.Value).ToList();
        if (given.Count > MaxHeaders) Problem($"at most {MaxHeaders} headers.", "Subscription.channel.header");
        for (var i = 0; i < given.Count && i < MaxHeaders; i++)
        {
            // Never echo a header back: it is usually a secret. A name given twice is refused, not sent twice: the
            // receiver would get the values joined into one (an Authorization of "Bearer a, Bearer b" matches neither).
            if (Header(given[i]) is { } header)
            {
                if (headers.Any(h => string.Equals(h.Key, header.Key, StringComparison.OrdinalIgnoreCase)))
                    Problem($"header {i + 1} names '{header.Key}' again; a notification carries each header once.", $"Subscription.channel.header[{i}]");
                else headers.Add(header);
            }
            else Problem($"header {i + 1} is not 'Name: value' with a token name that the server does not set itself, at most {MaxHeaderLength} characters on one line.", $"Subscription.channel.header[{i}]");
        }

        DateTimeOffset? end = null;
        // An end already past is the server's to adjust (R4 Backport: a server may alter what it cannot honour): the
        // subscription then has no end. The Inferno kit's own Subscription says 2020-12-31.
        if (subscription.End is { } requestedEnd && requestedEnd > now) end = requestedEnd;

        int? timeout = null;
        var timeoutValue = channel.Extension.FirstOrDefault(e => e.Url == TimeoutExtension)?.Value;
        if (timeoutValue is UnsignedInt { Value: { } seconds }) timeout = seconds;
        else if (timeoutValue is not null) Problem("backport-timeout must be an unsignedInt (seconds).", "Subscription.channel.extension");

        // backport-heartbeat-period: a heartbeat SHALL be sent at that interval when present, and never when absent.
        int? heartbeat = null;
        var heartbeatValue = channel.Extension.FirstOrDefault(e => e.Url == HeartbeatExtension)?.Value;
        if (heartbeatValue is UnsignedInt { Value: { } period }) heartbeat = Math.Max(period, MinHeartbeatSeconds);
        else if (heartbeatValue is not null) Problem("backport-heartbeat-period must be an unsignedInt (seconds).", "Subscription.channel.extension");

        if (problems.Count > 0)
        {
            error = Outcomes.Invalid(problems);
            return null;
        }
        error = null;
        return new SubscriptionRequest(string.Join("&", filters.Select(f => (f.Value as FhirString)!.Value!)), identifiers, endpoint!, contentType!, headers, end, subscription.Reason, timeout, heartbeat);
    }

    private static Uri? ReadEndpoint(string? text, bool allowHttp, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) { problem = "required: the URL the server posts notifications to."; return null; }
        if (text.Length > MaxEndpointLength) { problem = $"at most {MaxEndpointLength} characters."; return null; }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            problem = "must be an absolute https URL.";
            return null;
        }
        if (uri.Scheme == "http" && !allowHttp) problem = "must be https (this server does not post notifications over plain http).";
        else if (uri.UserInfo.Length > 0) problem = "must not carry a user name or password; send credentials as a channel header.";
        else if (uri.Fragment.Length > 0) problem = "must not carry a fragment.";
        return problem is null ? uri : null;
    }

    private static KeyValuePair<string, string>? Header(string? text)
    {
        if (text is null || text.Length > MaxHeaderLength || text.Contains('\r') || text.Contains('\n')) return null;
        var colon = text.IndexOf(':');
        if (colon <= 0) return null;
        var name = text[..colon].Trim();
        var value = text[(colon + 1)..].Trim();
        if (name.Length == 0 || !name.All(IsTokenChar) || ReservedHeaders.Contains(name) || value.Any(char.IsControl)) return null;
        return new KeyValuePair<string, string>(name, value);
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    private static string InputEcho(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
