using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Server.Tests.Subscriptions;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// An attack script's PAS subscriptions against a Production-configured server: endpoints that spell an internal address
/// in a form a name check would miss (decimal, octal and hexadecimal IPv4, short forms, IPv6 forms that carry an IPv4
/// address, fullwidth dots), an endpoint that was allowed when made but leads inside when the notification goes (the
/// check is made on the connection, as DNS rebinding needs), and an organisation subscribing with another's sending
/// system identifier to hear of its cases.
/// </summary>
public sealed class SubscriptionAttackTests
{
    private const string Scopes = "system/Subscription.* system/Claim.c system/ClaimResponse.r";

    private static string KitSubscription(string endpoint, string? orgIdentifier = null)
    {
        var subscription = JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, "pas-kit", "subscription-resource.json")))!.AsObject();
        subscription["channel"]!["endpoint"] = endpoint;
        if (orgIdentifier is not null) subscription["_criteria"]!["extension"]![0]!["valueString"] = $"org-identifier={orgIdentifier}";
        return subscription.ToJsonString();
    }

    /// <summary>Subscriptions may call the test's receiver on loopback over http (as an operator allows a test kit).</summary>
    private static void ToTheReceiver(Dictionary<string, string> settings)
    {
        settings["Subscriptions:AllowHttp"] = "true";
        settings["Subscriptions:AllowedNetworks:0"] = "127.0.0.1/32";
        settings["Subscriptions:PollMilliseconds"] = "50";
        settings["Subscriptions:RetryBaseSeconds"] = "600";
    }

    private static async Task<string> CreateAsync(SecureServer server, string client, string subscription)
    {
        var (status, body, _) = await server.SendAsync(HttpMethod.Post, "/fhir/Subscription", SecureServer.Token(Scopes, client), subscription, "application/fhir+json");
        Assert.True(status == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Str("id");
    }

    /// <summary>A's pended PAS request, decided by the physician: a notification for A's subscriptions.</summary>
    private static async Task<string> PendedRequestDecidedAsync(SecureServer server)
    {
        var (submitted, body, _) = await server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", SecureServer.Token(Scopes, SecureServer.PortalA),
            CoverageApp.Sample("pas-submit-bundle.json"), "application/fhir+json");
        Assert.True(submitted == HttpStatusCode.OK, body);
        var caseId = JsonDocument.Parse(body).RootElement.GetProperty("entry")[0].GetProperty("resource").GetProperty("identifier")[0].Str("value");
        var physician = SecureServer.Token("coverage/cases.decide", SecureServer.ReviewApp, subject: SecureServer.Physician);
        var (decided, answer, _) = await server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", physician,
            Api.Decision((1, "uphold", "Not medically necessary under policy 0540.")));
        Assert.True(decided == HttpStatusCode.OK, answer);
        return caseId;
    }

    /// <summary>The Subscription as its owner reads it, once <paramref name="until"/> holds (within 20 s).</summary>
    private static async Task<JsonElement> WaitForAsync(SecureServer server, string client, string id, Func<JsonElement, bool> until)
    {
        for (var i = 0; ; i++)
        {
            var (_, body, _) = await server.SendAsync(HttpMethod.Get, $"/fhir/Subscription/{id}", SecureServer.Token(Scopes, client));
            var subscription = JsonDocument.Parse(body).RootElement;
            if (until(subscription)) return subscription;
            if (i == 400) throw new TimeoutException($"Subscription {id}: {body}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task InternalAddressesInEveryDisguise_AreRefusedWhenTheSubscriptionIsMade()
    {
        await using var server = await SecureServer.StartAsync();
        var disguises = new[]
        {
            "https://2130706433/", "https://0x7f.1/", "https://017700000001/", "https://0177.0.0.1/", "https://127.1/", "https://0/",
            "https://127\u30020\u30020\u30021/", "https://LOCALHOST/", "https://localhost./", "https://2852039166/latest/meta-data/",
            "https://[::ffff:7f00:1]/", "https://[0:0:0:0:0:ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://[64:ff9b::a9fe:a9fe]/",
            "https://[fe80::1%25eth0]/", "https://[::]/",
            // IPv6 forms that carry an IPv4 address inside: IPv4-compatible (deprecated), 6to4 and Teredo.
            "https://[::127.0.0.1]/", "https://[::a9fe:a9fe]/", "https://[2002:a9fe:a9fe::1]/", "https://[2002:7f00:1::1]/", "https://[2001:0:a9fe:a9fe::1]/",
        };
        var accepted = new List<string>();

        foreach (var endpoint in disguises)
        {
            var (status, body, _) = await server.SendAsync(HttpMethod.Post, "/fhir/Subscription", SecureServer.Token(Scopes, SecureServer.PortalA),
                KitSubscription(endpoint), "application/fhir+json");
            if (status != HttpStatusCode.BadRequest || !body.Contains("Subscription.channel.endpoint", StringComparison.Ordinal))
                accepted.Add($"{endpoint}: {(int)status} {body[..Math.Min(body.Length, 200)]}");
        }

        Assert.True(accepted.Count == 0, string.Join("\n", accepted));
    }

    [Fact]
    public async Task AnEndpointAllowedWhenMade_IsRefusedOnTheConnection_OnceItsAddressIsNoLonger()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var server = await SecureServer.StartAsync(ToTheReceiver);
        var id = await CreateAsync(server, SecureServer.PortalA, KitSubscription(receiver.BaseUrl + "/a"));
        await receiver.WaitForAsync("/a", 1); // the handshake, while loopback was allowed
        await WaitForAsync(server, SecureServer.PortalA, id, s => s.Str("status") == "active");

        // What the endpoint leads to is judged again when the notification connects: without the allow-list, the
        // same address (as a name re-resolved to it would be) is refused before any byte is sent.
        await server.RestartAsync(s => s.Remove("Subscriptions:AllowedNetworks:0"));
        await PendedRequestDecidedAsync(server);

        var error = (await WaitForAsync(server, SecureServer.PortalA, id, s => s.TryGetProperty("error", out _))).Str("error");
        Assert.Contains("refused", error, StringComparison.Ordinal);
        Assert.Contains("internal address", error, StringComparison.Ordinal);
        Assert.Single(receiver.At("/a"));
    }

    [Fact]
    public async Task AnotherOrganisationsSubscription_NamingItsSendingSystem_HearsNothingOfItsCases()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var server = await SecureServer.StartAsync(ToTheReceiver);
        var own = await CreateAsync(server, SecureServer.PortalA, KitSubscription(receiver.BaseUrl + "/a", "A-ISA06"));
        var theirs = await CreateAsync(server, SecureServer.PortalB, KitSubscription(receiver.BaseUrl + "/b", "A-ISA06"));
        await receiver.WaitForAsync("/a", 1);
        await receiver.WaitForAsync("/b", 1);

        var caseId = await PendedRequestDecidedAsync(server);

        Assert.Contains(caseId, (await receiver.WaitForAsync("/a", 2))[1].Body, StringComparison.Ordinal);
        await Task.Delay(500); // many polls of the deliverer
        Assert.Single(receiver.At("/b"));
        Assert.DoesNotContain(receiver.Requests, r => r.Path != "/a" && r.Body.Contains(caseId, StringComparison.Ordinal));
        var (events, body, _) = await server.SendAsync(HttpMethod.Get, $"/fhir/Subscription/{theirs}/$events", SecureServer.Token(Scopes, SecureServer.PortalB));
        Assert.Equal(HttpStatusCode.OK, events);
        Assert.DoesNotContain(caseId, body, StringComparison.Ordinal);
        Assert.DoesNotContain("notification-event", body, StringComparison.Ordinal);
        var (ownEvents, ownBody, _) = await server.SendAsync(HttpMethod.Get, $"/fhir/Subscription/{own}/$events", SecureServer.Token(Scopes, SecureServer.PortalA));
        Assert.Equal(HttpStatusCode.OK, ownEvents);
        Assert.Contains(caseId, ownBody, StringComparison.Ordinal);
    }
}
