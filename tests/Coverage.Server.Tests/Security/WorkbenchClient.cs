using System.Net;
using System.Text.RegularExpressions;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// A reviewer's browser against <see cref="SecureServer"/>, as plain HTTP: it keeps cookies itself (the
/// server's cookies are Secure outside Development and the test talks plain HTTP on loopback, so
/// HttpClient's cookie container would not send them back), reads antiforgery tokens from forms and
/// posts forms with them. <see cref="Cookies"/> can be copied to replay a session as an attacker would.
/// Every request comes as through the TLS-terminating proxy the server trusts (loopback, in SecureServer's
/// settings): X-Forwarded-Proto https and X-Forwarded-For <see cref="Source"/>, a documentation address of its
/// own for each client unless given, so that per-source limits of one test do not touch another.
/// </summary>
public sealed partial class WorkbenchClient(SecureServer server, string? source = null)
{
    private static int _next;

    /// <summary>The client's address as the server sees it (X-Forwarded-For).</summary>
    public string Source { get; } = source ?? NewSource();

    /// <summary>A fresh address (198.18.0.0/15, the range for network tests).</summary>
    public static string NewSource()
    {
        var n = Interlocked.Increment(ref _next) + Environment.ProcessId % 1000 * 1000;
        return $"198.18.{n / 250 % 250}.{n % 250 + 1}";
    }

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Set-Cookie header of the last response, as sent.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    /// <summary>The session cookie's value, to replay it later.</summary>
    public string? SessionCookie => Cookies.GetValueOrDefault("coverage-workbench");

    /// <summary>A client that sends the same cookies (a stolen or copied session).</summary>
    public WorkbenchClient Copy()
    {
        var copy = new WorkbenchClient(server, Source);
        foreach (var (name, value) in Cookies) copy.Cookies[name] = value;
        return copy;
    }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, headers);
    }

    /// <summary>Posts a form; the antiforgery token is read from <paramref name="formPage"/> (a GET first) unless given.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostFormAsync(
        string path, IDictionary<string, string> fields, string? formPage = null, IDictionary<string, string>? headers = null)
    {
        var values = new Dictionary<string, string>(fields);
        if (!values.ContainsKey("__RequestVerificationToken"))
        {
            var (_, page, _) = await GetAsync(formPage ?? path);
            values["__RequestVerificationToken"] = AntiforgeryToken(page);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(values) };
        return await SendAsync(request, headers);
    }

    /// <summary>Signs in; returns the status of the POST (302 when signed in).</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SignInAsync(
        string user, string password, IDictionary<string, string>? headers = null) =>
        await PostFormAsync("/workbench/sign-in", new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password }, headers: headers);

    public async Task<HttpStatusCode> SignOutAsync()
    {
        var (status, _, _) = await PostFormAsync("/workbench/sign-out", new Dictionary<string, string>(), formPage: "/workbench");
        return status;
    }

    /// <summary>True when the queue answers 200 (signed in), false when it sends the client to sign in.</summary>
    public async Task<bool> IsSignedInAsync()
    {
        var (status, _, response) = await GetAsync("/workbench");
        if (status == HttpStatusCode.OK) return true;
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/workbench/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        return false;
    }

    public static string AntiforgeryToken(string page)
    {
        var match = TokenPattern().Match(page);
        Assert.True(match.Success, "no antiforgery token on the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request, IDictionary<string, string>? headers)
    {
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", Source);
        if (headers is not null)
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        foreach (var cookie in LastSetCookies)
        {
            var pair = cookie.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (pair[..equals], pair[(equals + 1)..]);
            // A cookie set to an empty value or to expire in the past is deleted.
            if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(name);
            else Cookies[name] = value;
        }
        return (response.StatusCode, body, response);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
