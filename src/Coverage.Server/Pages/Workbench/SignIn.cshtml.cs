using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// Signs a reviewer in with a configured account; a wrong name, a wrong password and a locked account get the
/// same answer. <see cref="SignInThrottle"/> locks, audits and bounds the hashing; a session is then started
/// in the store (<see cref="WorkbenchSessions"/>) and its key goes into the cookie.
/// </summary>
public sealed class SignInModel(SignInThrottle throttle, WorkbenchSessions sessions) : PageModel
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

    public const string RefusedMessage =
        "The user name or password is not right, or the account is locked for a while after too many wrong passwords. Try again later.";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var source = HttpContext.Connection.RemoteIpAddress?.ToString();
        var attempt = string.IsNullOrEmpty(UserName) || string.IsNullOrEmpty(Password)
            ? new SignInAttempt(SignInOutcome.Refused, null)
            : await throttle.SignInAsync(UserName, Password, source, cancellationToken);
        Password = "";
        if (attempt.Outcome == SignInOutcome.Busy)
        {
            Error = "Too many people are signing in at this moment. Try again in a few seconds.";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = PasswordVerificationGate.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }
        if (attempt.Account is not { } account)
        {
            Error = RefusedMessage;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var principal = await sessions.StartAsync(account, source, cancellationToken);
        await HttpContext.SignInAsync(WorkbenchSetup.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        // Only a local path: a sign-in link must not send a reviewer to another site.
        // An analyst's home is the impact page, the only one of theirs (a link to the queue would only be refused); a reviewer's the queue.
        var home = account.Role == WorkbenchRoles.Analyst ? "/workbench/impact" : "/workbench";
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(home, StringComparison.Ordinal) ? url : home);
    }
}
