using Microsoft.AspNetCore.Identity;

namespace Coverage.Server.Workbench;

/// <summary>Workbench:* configuration: who may sign in, how long a session lasts, what the notices say of the plan.</summary>
public sealed class WorkbenchOptions
{
    public const string Section = "Workbench";

    /// <summary>Minutes of inactivity after which a session ends (sliding).</summary>
    public int SessionMinutes { get; set; } = 30;

    /// <summary>Hours after sign-in at which a session ends however active it is (fractions allowed, for tests).</summary>
    public double AbsoluteSessionHours { get; set; } = 12;

    /// <summary>Sign-in lock-out: Workbench:SignIn:MaxFailures and LockoutMinutes.</summary>
    public SignInOptions SignIn { get; set; } = new();

    public List<WorkbenchAccount> Accounts { get; set; } = [];

    public NoticeOptions Notice { get; set; } = new();
}

/// <summary>One reviewer who may sign in. PasswordHash is a PasswordHasher (PBKDF2) hash: `coverage-server hash-password`.</summary>
public sealed class WorkbenchAccount
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>nurse or physician.</summary>
    public string Role { get; set; } = "";
    public string PasswordHash { get; set; } = "";
}

/// <summary>How many wrong passwords in a row lock an account, and for how long.</summary>
public sealed class SignInOptions
{
    public int MaxFailures { get; set; } = 5;
    public double LockoutMinutes { get; set; } = 15;
    /// <summary>At most this many password hashes are verified at once (PBKDF2 is deliberately slow; the rest wait briefly or get 503).</summary>
    public int ConcurrentVerifications { get; set; } = 2;
}

/// <summary>What a notice says about whom to contact; the defaults point to the member's ID card, never to an invented number.</summary>
public sealed class NoticeOptions
{
    public string PlanName { get; set; } = "Your health plan";
    public string Contact { get; set; } = "Member Services at the phone number on the back of your member ID card";
    public string AppealAddress { get; set; } = "the appeals address shown on your member ID card or in your plan documents";
}

/// <summary>Checks a user name and password against the configured accounts.</summary>
public sealed class WorkbenchAccounts
{
    private readonly PasswordHasher<WorkbenchAccount> _hasher = new();
    private readonly Dictionary<string, WorkbenchAccount> _accounts;
    // Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
    private readonly string _decoyHash;

    public WorkbenchAccounts(IReadOnlyList<WorkbenchAccount> accounts)
    {
        var problems = Validate(accounts);
        if (problems.Count > 0)
            throw new InvalidOperationException("Workbench:Accounts is invalid: " + string.Join("; ", problems));
        _accounts = accounts.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);
        _decoyHash = _hasher.HashPassword(new WorkbenchAccount(), Guid.NewGuid().ToString());
    }

    public int Count => _accounts.Count;

    /// <summary>The configured account with this id (user names are case-insensitive), or null.</summary>
    public WorkbenchAccount? Find(string id) => _accounts.GetValueOrDefault(id.Trim());

    /// <summary>The account when the password is right; null for an unknown name or a wrong password alike.</summary>
    public WorkbenchAccount? Verify(string userName, string password)
    {
        if (!_accounts.TryGetValue(userName.Trim(), out var account))
        {
            _hasher.VerifyHashedPassword(new WorkbenchAccount(), _decoyHash, password);
            return null;
        }
        return _hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed ? null : account;
    }

    public string Hash(string password) => _hasher.HashPassword(new WorkbenchAccount(), password);

    private static List<string> Validate(IReadOnlyList<WorkbenchAccount> accounts)
    {
        var problems = new List<string>();
        for (var i = 0; i < accounts.Count; i++)
        {
            var account = accounts[i];
            if (string.IsNullOrWhiteSpace(account.Id)) problems.Add($"[{i}].Id is empty");
            if (string.IsNullOrWhiteSpace(account.Name)) problems.Add($"[{i}].Name is empty");
            if (!WorkbenchRoles.All.Contains(account.Role)) problems.Add($"[{i}].Role '{account.Role}' is not one of {string.Join(", ", WorkbenchRoles.All)}");
            if (!IsHash(account.PasswordHash)) problems.Add($"[{i}].PasswordHash is not a password hash (make one with hash-password)");
            if (accounts.Take(i).Any(a => string.Equals(a.Id, account.Id, StringComparison.OrdinalIgnoreCase))) problems.Add($"[{i}].Id '{account.Id}' is used twice");
        }
        return problems;
    }

    // PasswordHasher's format: base64 of a version byte (0x01: PBKDF2 with HMAC-SHA256/512, salt, iterations) and the subkey.
    private static bool IsHash(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var length) && length > 13 && bytes[0] == 0x01;
    }
}

/// <summary>`Coverage.Server hash-password`: reads a password from standard input and prints its hash for Workbench:Accounts.</summary>
public static class HashPasswordCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "hash-password";

    public static int Run(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        if (interactive) error.Write("Password (not shown): ");
        var password = interactive ? ReadHidden() : input.ReadLine();
        if (interactive) error.WriteLine();
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("hash-password: no password given on standard input");
            return 2;
        }
        output.WriteLine(new PasswordHasher<WorkbenchAccount>().HashPassword(new WorkbenchAccount(), password));
        return 0;
    }

    private static string ReadHidden()
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) return text.ToString();
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; }
            else if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
    }
}
