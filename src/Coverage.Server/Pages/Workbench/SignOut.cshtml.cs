using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>Ends the session (POST only, with the antiforgery token, so a link cannot sign someone out).</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/workbench");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WorkbenchSetup.Scheme);
        return Redirect("/workbench/sign-in?signedOut=true");
    }
}
