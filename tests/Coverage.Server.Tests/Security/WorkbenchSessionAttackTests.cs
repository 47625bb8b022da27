using System.Net;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Finding 7: workbench sessions could not be revoked — a cookie captured before sign-out still worked, a
/// removed account's cookie still upheld a denial after a restart, and sliding expiry had no end. Sessions
/// are now rows in workbench_sessions, checked on every request.
/// </summary>
public sealed class WorkbenchSessionAttackTests
{
    private static readonly string[] AccountFields = ["Id", "Name", "Role", "PasswordHash"];

    [Fact]
    public async Task CookieCapturedBeforeSignOut_IsRefusedAfterSignOut()
    {
        await using var server = await SecureServer.StartAsync();
        var physician = new WorkbenchClient(server);
        Assert.Equal(HttpStatusCode.Redirect, (await physician.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword)).Status);
        var stolen = physician.Copy();
        Assert.True(await stolen.IsSignedInAsync());

        Assert.Equal(HttpStatusCode.Redirect, await physician.SignOutAsync());

        Assert.False(await stolen.IsSignedInAsync());
        Assert.False(await physician.Copy().IsSignedInAsync());
        // The row stays (revoked) until it would have expired; the key itself is never stored.
        var rows = SecureCases.Query(server, "SELECT Id, AccountId, RevokedAt, Source FROM workbench_sessions");
        var row = Assert.Single(rows);
        Assert.Equal(SecureServer.Physician, row["AccountId"]);
        Assert.NotNull(row["RevokedAt"]);
        Assert.Equal(physician.Source, row["Source"]);
        Assert.Equal(64, ((string)row["Id"]!).Length);
    }

    [Fact]
    public async Task AccountRemovedFromConfiguration_OldCookieIsRefusedAfterRestart_AndAChangedPasswordEndsSessionsToo()
    {
        await using var server = await SecureServer.StartAsync();
        var caseId = await SecureCases.SubmitPendingReviewAsync(server);
        var physician = new WorkbenchClient(server);
        var nurse = new WorkbenchClient(server);
        Assert.Equal(HttpStatusCode.Redirect, (await physician.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
        var page = $"/workbench/cases/{caseId}";
        var (_, form, _) = await physician.GetAsync(page);
        var token = WorkbenchClient.AntiforgeryToken(form);
        var oldCookie = physician.Copy(); // as an attacker who copied it would replay it

        // dr-kim leaves: the account is removed (the nurse becomes account 0) and the server restarts.
        await server.RestartAsync(s =>
        {
            foreach (var field in AccountFields)
            {
                s[$"Workbench:Accounts:0:{field}"] = s[$"Workbench:Accounts:1:{field}"];
                s.Remove($"Workbench:Accounts:1:{field}");
            }
        });

        Assert.False(await oldCookie.Copy().IsSignedInAsync());
        var (status, _, response) = await oldCookie.PostFormAsync($"{page}?handler=Decide",
            new Dictionary<string, string> { ["sequence"] = "1", ["action"] = "uphold", ["rationale"] = "Not medically necessary.", ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/workbench/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var (_, view, _) = await server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        Assert.Contains("pending-physician-review", view, StringComparison.Ordinal);
        // The nurse's account is unchanged (only its position in the list moved): her session goes on.
        Assert.True(await nurse.IsSignedInAsync());

        // Her password is changed: her sessions end too.
        await server.RestartAsync(s => s["Workbench:Accounts:0:PasswordHash"] = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "a-new-password-2"));
        Assert.False(await nurse.IsSignedInAsync());
    }

    [Fact]
    public async Task AbsoluteLifetime_EndsEvenAnActiveSession()
    {
        // 0.002 hours: 7.2 seconds (Workbench:AbsoluteSessionHours takes fractions).
        await using var server = await SecureServer.StartAsync(s => s["Workbench:AbsoluteSessionHours"] = "0.002");
        var nurse = new WorkbenchClient(server);
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
        var started = DateTime.UtcNow;
        Assert.True(await nurse.IsSignedInAsync());

        // Active all along (a request every half second): the sliding idle timeout never ends it, the absolute lifetime does.
        var signedIn = true;
        while (signedIn && DateTime.UtcNow - started < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
            signedIn = await nurse.IsSignedInAsync();
        }

        Assert.False(signedIn);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 5, 30);
    }
}
