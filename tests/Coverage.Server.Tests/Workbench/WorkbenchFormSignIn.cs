using System.Net;
using System.Text.RegularExpressions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>Signs a plain HTTP client in to the workbench as the Development physician, through the sign-in form and its antiforgery token.</summary>
internal static partial class WorkbenchFormSignIn
{
    public static async Task AsDevelopmentPhysicianAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("/workbench/sign-in", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "dr-lee", ["Password"] = "physician-dev-password", ["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value,
        });
        var response = await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
