using System.Net;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Finding 8: password guessing was free and invisible (40 wrong passwords, then the right one, signed in;
/// no audit row, no log line). Accounts now lock after Workbench:SignIn:MaxFailures wrong passwords, each
/// source address is limited on the sign-in POST, and every attempt is audited.
/// </summary>
public sealed class SignInAttackTests
{
    [Fact]
    public async Task FortyWrongPasswordsFromRotatingAddresses_ThenTheRightOne_IsNotSignedIn_AndEveryAttemptIsAudited()
    {
        await using var server = await SecureServer.StartAsync();

        // A botnet: each guess from an address of its own, so that only the account lock-out can stop it.
        for (var i = 0; i < 40; i++)
        {
            var (status, body, _) = await new WorkbenchClient(server).SignInAsync(SecureServer.Physician, $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains("The user name or password is not right", body, StringComparison.Ordinal);
        }
        var owner = new WorkbenchClient(server);
        var (right, rightBody, _) = await owner.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, right);
        Assert.Contains("locked for a while", rightBody, StringComparison.Ordinal);
        Assert.False(await owner.IsSignedInAsync());
        // Another account is not affected.
        Assert.Equal(HttpStatusCode.Redirect, (await new WorkbenchClient(server).SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);

        var audit = SecureCases.Query(server, "SELECT Action, Actor, ActorRole, Source, Detail FROM audit_events WHERE Subject = 'workbench/sign-in' ORDER BY Id");
        var forPhysician = audit.Where(a => (string)a["Actor"]! == SecureServer.Physician).ToList();
        Assert.Equal(5, forPhysician.Count(a => (string)a["Action"]! == "sign-in-failed")); // then the account is locked: no more guesses are checked
        Assert.Equal(37, forPhysician.Count(a => (string)a["Action"]! == "sign-in-locked-out")); // the lock itself, 35 refused guesses, the owner
        Assert.DoesNotContain(forPhysician, a => (string)a["Action"]! == "sign-in-succeeded");
        Assert.Contains(audit, a => (string)a["Action"]! == "sign-in-succeeded" && (string)a["Actor"]! == SecureServer.Nurse);
        Assert.All(audit, a => Assert.Null(a["ActorRole"]));
        Assert.All(audit, a => Assert.StartsWith("198.18.", (string)a["Source"]!, StringComparison.Ordinal));
        var lockout = Assert.Single(SecureCases.Query(server, $"SELECT LockedUntil FROM sign_in_lockouts WHERE AccountId = '{SecureServer.Physician}'"));
        Assert.NotNull(lockout["LockedUntil"]);

        // No password, right or wrong, in the audit or the log.
        var everything = string.Join("\n", audit.SelectMany(a => a.Values)) + server.Output;
        Assert.DoesNotContain("guess-", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureServer.PhysicianPassword, everything, StringComparison.Ordinal);
        Assert.Contains($"the account {SecureServer.Physician} is locked after 5 wrong passwords", server.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockOut_EndsAfterLockoutMinutes()
    {
        await using var server = await SecureServer.StartAsync(s =>
        {
            s["Workbench:SignIn:MaxFailures"] = "3";
            s["Workbench:SignIn:LockoutMinutes"] = "0.05"; // 3 seconds
        });
        for (var i = 0; i < 3; i++) await new WorkbenchClient(server).SignInAsync(SecureServer.Nurse, "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await new WorkbenchClient(server).SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);

        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(HttpStatusCode.Redirect, (await new WorkbenchClient(server).SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
    }

    [Fact]
    public async Task FloodFromOneSource_Gets429WithRetryAfter_AndOtherSourcesAreNotAffected()
    {
        await using var server = await SecureServer.StartAsync();
        var attacker = new WorkbenchClient(server);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 15; i++)
        {
            var (status, _, response) = await attacker.SignInAsync($"user-{i}", "password");
            statuses.Add(status);
            if (status == HttpStatusCode.TooManyRequests) refused ??= response;
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized)); // RateLimits:SignInPerSourcePerMinute
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Redirect, (await new WorkbenchClient(server).SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
        // Only the attempts that were let through are audited: a flood cannot grow the audit without bound.
        Assert.Equal(10, SecureCases.Query(server, "SELECT Id FROM audit_events WHERE Action = 'sign-in-failed'").Count);
    }
}
