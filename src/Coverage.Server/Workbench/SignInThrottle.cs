using System.Threading.RateLimiting;
using Coverage.Store;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench;

/// <summary>What became of one sign-in attempt.</summary>
public enum SignInOutcome
{
    SignedIn,
    /// <summary>Unknown user name or wrong password (the caller cannot tell which).</summary>
    Refused,
    /// <summary>The account is locked after too many wrong passwords; nothing was verified.</summary>
    LockedOut,
    /// <summary>Too many password verifications are running; try again shortly.</summary>
    Busy,
}

public sealed record SignInAttempt(SignInOutcome Outcome, WorkbenchAccount? Account);

/// <summary>
/// At most a few PBKDF2 verifications at once for the whole process (a verification costs ~100 ms of CPU
/// by design): a flood of sign-ins from many addresses waits briefly or gets 503 instead of taking every
/// core from the API. One per process, shared by all requests.
/// </summary>
public sealed class PasswordVerificationGate(IOptions<WorkbenchOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.SignIn.ConcurrentVerifications),
        QueueLimit = 2 * Math.Max(1, options.Value.SignIn.ConcurrentVerifications),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public const int RetryAfterSeconds = 2;

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Signs a reviewer in under guard: an account is locked for Workbench:SignIn:LockoutMinutes after
/// MaxFailures wrong passwords in a row (kept in sign_in_lockouts, so every server of the store agrees),
/// a locked account is refused without hashing anything, hashing goes through <see cref="PasswordVerificationGate"/>,
/// and every success, failure and lock-out is an audit event (subject "workbench/sign-in") and a log line —
/// with the user name tried and the source address, never the password. The per-source limit on the
/// sign-in POST is the rate limiter's (<see cref="Security.RateLimits"/>), applied before this.
/// </summary>
public sealed partial class SignInThrottle(
    CoverageDbContext db, WorkbenchAccounts accounts, PasswordVerificationGate hashing, TimeProvider time,
    IOptions<WorkbenchOptions> options, ILogger<SignInThrottle> logger, SqliteWriteGate? gate = null)
{
    public const string AuditSubject = "workbench/sign-in";

    private SignInOptions Settings => options.Value.SignIn;

    public async Task<SignInAttempt> SignInAsync(string userName, string password, string? source, CancellationToken cancellationToken)
    {
        var name = userName.Trim();
        var account = accounts.Find(name);
        var now = time.GetUtcNow().UtcDateTime;
        if (account is not null)
        {
            var lockout = await db.SignInLockouts.AsNoTracking().FirstOrDefaultAsync(l => l.AccountId == account.Id, cancellationToken);
            if (lockout?.LockedUntil is { } until && until > now)
            {
                await AuditAsync("sign-in-locked-out", name, source, $"Refused without checking the password: the account is locked until {until:yyyy-MM-dd HH:mm:ss} UTC.", now, cancellationToken);
                LockedOutLog(logger, account.Id, source ?? "unknown", null);
                return new(SignInOutcome.LockedOut, null);
            }
        }

        using (var lease = await hashing.AcquireAsync(cancellationToken))
        {
            if (!lease.IsAcquired)
            {
                BusyLog(logger, source ?? "unknown", null);
                return new(SignInOutcome.Busy, null);
            }
            var verified = accounts.Verify(name, password);
            now = time.GetUtcNow().UtcDateTime;
            if (verified is not null)
            {
                await ResetAsync(verified.Id, cancellationToken);
                await AuditAsync("sign-in-succeeded", verified.Id, source, "Signed in to the workbench.", now, cancellationToken);
                SucceededLog(logger, verified.Id, source ?? "unknown", null);
                return new(SignInOutcome.SignedIn, verified);
            }
        }

        await AuditAsync("sign-in-failed", name, source, account is null ? "Refused: no account has this user name." : "Refused: wrong password.", now, cancellationToken);
        // Unknown names are not logged: a password typed into the user name field must not reach the log.
        FailedLog(logger, account?.Id ?? "(no such account)", source ?? "unknown", null);
        if (account is not null && await CountFailureAsync(account.Id, now, cancellationToken) is { } lockedUntil)
        {
            await AuditAsync("sign-in-locked-out", account.Id, source,
                $"Locked until {lockedUntil:yyyy-MM-dd HH:mm:ss} UTC after {Settings.MaxFailures} wrong passwords in a row.", now, cancellationToken);
            LockedLog(logger, account.Id, Settings.MaxFailures, source ?? "unknown", null);
        }
        return new(SignInOutcome.Refused, null);
    }

    /// <summary>Counts a wrong password; when it is the last one allowed, locks the account and returns until when (once, even with racing servers).</summary>
    private async Task<DateTime?> CountFailureAsync(string accountId, DateTime now, CancellationToken cancellationToken)
    {
        // Atomic increments, so that servers sharing the store count every failure.
        Task<int> Increment() => db.SignInLockouts.Where(l => l.AccountId == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, l => l.Failures + 1).SetProperty(l => l.LastFailureAt, now), cancellationToken);
        if (await GatedAsync(Increment) == 0)
        {
            try
            {
                db.SignInLockouts.Add(new SignInLockoutRecord { AccountId = accountId, Failures = 1, LastFailureAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request created the row first: count on it.
                db.ChangeTracker.Clear();
                await GatedAsync(Increment);
            }
        }
        var until = now.AddMinutes(Settings.LockoutMinutes);
        var max = Math.Max(1, Settings.MaxFailures);
        // Only the request whose update reaches the limit locks (and audits); the counter starts again.
        var locked = await GatedAsync(() => db.SignInLockouts.Where(l => l.AccountId == accountId && l.Failures >= max)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, 0).SetProperty(l => l.LockedUntil, until), cancellationToken));
        return locked > 0 ? until : null;
    }

    private Task<int> ResetAsync(string accountId, CancellationToken cancellationToken) =>
        GatedAsync(() => db.SignInLockouts.Where(l => l.AccountId == accountId && (l.Failures > 0 || l.LockedUntil != null))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, 0).SetProperty(l => l.LockedUntil, (DateTime?)null), cancellationToken));

    /// <summary>A write outside SaveChanges holds SQLite's write gate like SaveChanges does.</summary>
    private async Task<int> GatedAsync(Func<Task<int>> write)
    {
        using (gate is null ? null : await gate.HoldAsync(CancellationToken.None))
            return await write();
    }

    private async Task AuditAsync(string action, string accountTried, string? source, string detail, DateTime now, CancellationToken cancellationToken)
    {
        db.AuditEvents.Add(new AuditEventRecord
        {
            Subject = AuditSubject,
            At = now,
            Action = action,
            Actor = Truncate(accountTried.Length == 0 ? "(empty)" : accountTried, 128),
            ActorRole = null,
            Source = source is null ? null : Truncate(source, 64),
            Detail = detail,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private static readonly Action<ILogger, string, string, Exception?> SucceededLog = LoggerMessage.Define<string, string>(LogLevel.Information,
        new EventId(5010, "WorkbenchSignInSucceeded"), "Workbench: {Account} signed in from {Source}.");
    private static readonly Action<ILogger, string, string, Exception?> FailedLog = LoggerMessage.Define<string, string>(LogLevel.Warning,
        new EventId(5011, "WorkbenchSignInFailed"), "Workbench: a sign-in as {Account} from {Source} was refused (wrong user name or password).");
    private static readonly Action<ILogger, string, int, string, Exception?> LockedLog = LoggerMessage.Define<string, int, string>(LogLevel.Warning,
        new EventId(5012, "WorkbenchAccountLocked"), "Workbench: the account {Account} is locked after {Failures} wrong passwords in a row (last from {Source}).");
    private static readonly Action<ILogger, string, string, Exception?> LockedOutLog = LoggerMessage.Define<string, string>(LogLevel.Warning,
        new EventId(5013, "WorkbenchSignInLockedOut"), "Workbench: a sign-in as the locked account {Account} from {Source} was refused without checking the password.");
    private static readonly Action<ILogger, string, Exception?> BusyLog = LoggerMessage.Define<string>(LogLevel.Warning,
        new EventId(5014, "WorkbenchSignInBusy"), "Workbench: a sign-in from {Source} was answered 503: too many password verifications at once.");
}
