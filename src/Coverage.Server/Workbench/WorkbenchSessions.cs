using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Coverage.Store;
using Coverage.Store.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench;

/// <summary>
/// Server-side workbench sessions (table workbench_sessions), so that a session can end before its cookie
/// does. Sign-in creates a random 256-bit key; the cookie carries it as a claim and the store keeps only
/// its SHA-256. Every request checks that the session exists, is not revoked, is within its absolute
/// lifetime and its idle time, and that the account is still configured exactly as it was (a stamp of id,
/// name, role and password hash): signing out, removing an account, changing its role or password, or a
/// stolen cookie after sign-out all end it — on every server of the store, and after a restart.
/// </summary>
public sealed partial class WorkbenchSessions(
    CoverageDbContext db, WorkbenchAccounts accounts, TimeProvider time, IOptions<WorkbenchOptions> options, ILogger<WorkbenchSessions> logger,
    SqliteWriteGate? gate = null)
{
    /// <summary>The claim that carries the session key in the (encrypted) cookie.</summary>
    public const string KeyClaim = "coverage:session";

    /// <summary>LastSeenAt is written at most this often, so that reading pages does not write on every request.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    private WorkbenchOptions Options => options.Value;

    /// <summary>Starts a session for a verified account; returns the principal to sign in (with the key as a claim).</summary>
    public async Task<ClaimsPrincipal> StartAsync(WorkbenchAccount account, string? source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Sign-in is rare: a good moment to forget sessions that cannot be used any more.
        var idleCutoff = now - IdleLimit;
        using (gate is null ? null : await gate.HoldAsync(cancellationToken))
            await db.WorkbenchSessions.Where(s => s.ExpiresAt < now || s.LastSeenAt < idleCutoff).ExecuteDeleteAsync(cancellationToken);

        var key = Base64Url(RandomNumberGenerator.GetBytes(32));
        db.WorkbenchSessions.Add(new WorkbenchSessionRecord
        {
            Id = Hash(key),
            AccountId = account.Id,
            AccountStamp = Stamp(account),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + AbsoluteLifetime,
            Source = Truncate(source, 64),
        });
        await db.SaveChangesAsync(cancellationToken);
        var principal = WorkbenchSetup.Principal(account);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(KeyClaim, key));
        return principal;
    }

    /// <summary>The cookie handler's OnValidatePrincipal: a session that may not go on is rejected and its cookie removed.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var reason = await CheckAsync(context.Principal, context.HttpContext.RequestAborted);
        if (reason is null) return;
        Rejected(logger, reason, null);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(WorkbenchSetup.Scheme);
    }

    /// <summary>Null when the session may go on; else why not (for the log; never shown to the client).</summary>
    private async Task<string?> CheckAsync(ClaimsPrincipal? principal, CancellationToken cancellationToken)
    {
        var key = principal?.FindFirstValue(KeyClaim);
        var accountId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (key is null || accountId is null) return "the cookie carries no session";
        var id = Hash(key);
        var session = await db.WorkbenchSessions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (session is null) return "the session does not exist (ended or cleaned up)";
        if (session.RevokedAt is not null) return "the session was ended (signed out)";
        if (!string.Equals(session.AccountId, accountId, StringComparison.Ordinal)) return "the session belongs to another account";
        if (now >= session.ExpiresAt) return "the session reached its absolute lifetime";
        if (now - session.LastSeenAt > IdleLimit) return "the session was idle too long";
        if (accounts.Find(accountId) is not { } account) return "the account is no longer configured";
        if (!string.Equals(Stamp(account), session.AccountStamp, StringComparison.Ordinal)) return "the account's configuration changed";
        if (now - session.LastSeenAt >= TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return null;
    }

    /// <summary>Ends the signed-in session (sign-out); the cookie alone can no longer open it.</summary>
    public async Task RevokeAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.FindFirstValue(KeyClaim) is not { } key) return;
        var now = time.GetUtcNow().UtcDateTime;
        var id = Hash(key);
        var session = await db.WorkbenchSessions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null || session.RevokedAt is not null) return;
        session.RevokedAt = now;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Workbench:SessionMinutes of inactivity, plus the interval LastSeenAt may lag behind the last request.</summary>
    private TimeSpan IdleLimit => TimeSpan.FromMinutes(Options.SessionMinutes) + TouchInterval;

    /// <summary>Workbench:AbsoluteSessionHours (fractions allowed: 0.01 is 36 seconds).</summary>
    private TimeSpan AbsoluteLifetime => TimeSpan.FromHours(Options.AbsoluteSessionHours);

    /// <summary>Changes when the account's id, name, role or password hash changes (each field length-prefixed, so no two accounts share one).</summary>
    public static string Stamp(WorkbenchAccount account)
    {
        var text = string.Join("\n", new[] { account.Id, account.Name, account.Role, account.PasswordHash }.Select(f => $"{f.Length}:{f}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private static readonly Action<ILogger, string, Exception?> Rejected = LoggerMessage.Define<string>(LogLevel.Information,
        new EventId(5002, "WorkbenchSessionRejected"), "Workbench: a session cookie was refused: {Reason}.");
}
