using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>Signing in to the workbench through its form, as a reviewer does, in a session of the browser tests.</summary>
internal static class WorkbenchSignIn
{
    /// <summary>A new page of <paramref name="session"/>, signed in as <paramref name="user"/>, on the queue.</summary>
    public static async Task<IPage> ToQueue(IBrowserContext session, string user, string password)
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        return page;
    }
}
