using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>Signs a reviewer in with a configured account; a wrong name and a wrong password get the same answer.</summary>
public sealed class SignInModel(WorkbenchAccounts accounts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    public string? Error { get; private set; }

    public bool SignedOut { get; private set; }

    public void OnGet(bool signedOut = false) => SignedOut = signedOut;

    public async Task<IActionResult> OnPostAsync()
    {
        var account = string.IsNullOrEmpty(UserName) || string.IsNullOrEmpty(Password) ? null : accounts.Verify(UserName, Password);
        if (account is null)
        {
            Error = "The user name or password is not right. Try again.";
            Password = "";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(WorkbenchSetup.Scheme, WorkbenchSetup.Principal(account), new AuthenticationProperties { IsPersistent = false });
        // Only a local path: a sign-in link must not send a reviewer to another site.
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/workbench", StringComparison.Ordinal) ? url : "/workbench");
    }
}
