using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// Ends the session (POST only, with the antiforgery token, so a link cannot sign someone out): the session
/// is revoked in the store, so a copy of the cookie no longer works either.
/// </summary>
public sealed class SignOutModel(WorkbenchSessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/workbench");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(User, cancellationToken);
        await HttpContext.SignOutAsync(WorkbenchSetup.Scheme);
        return Redirect("/workbench/sign-in?signedOut=true");
    }
}
