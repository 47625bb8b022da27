using Coverage.Server.Workbench;

namespace Coverage.Server.Tests.Workbench;

/// <summary>Accounts from configuration: PBKDF2 hashes verified, bad configuration refused at start, the hash-password command.</summary>
public sealed class WorkbenchAccountsTests
{
    private static readonly WorkbenchAccounts Hasher = new([]);

    private static WorkbenchAccount Account(string id, string role, string password) =>
        new() { Id = id, Name = id, Role = role, PasswordHash = Hasher.Hash(password) };

    [Fact]
    public void Verify_RightPassword_GivesTheAccount_WrongOneOrUnknownName_Nothing()
    {
        var accounts = new WorkbenchAccounts([Account("dr-lee", "physician", "correct horse"), Account("nora", "nurse", "battery staple")]);

        Assert.Equal("physician", accounts.Verify("dr-lee", "correct horse")?.Role);
        Assert.Equal("physician", accounts.Verify("DR-LEE", "correct horse")?.Role); // user names are not case-sensitive
        Assert.Null(accounts.Verify("dr-lee", "Correct horse"));
        Assert.Null(accounts.Verify("dr-lee", "battery staple"));
        Assert.Null(accounts.Verify("nobody", "correct horse"));
    }

    [Fact]
    public void Hash_IsSaltedPbkdf2_NotThePassword()
    {
        var first = Hasher.Hash("correct horse");
        var second = Hasher.Hash("correct horse");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("correct", first, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(first)[0]); // PasswordHasher v3: PBKDF2 with HMAC-SHA512
    }

    [Theory]
    [InlineData("clerk", "PasswordHash-ok", "Role 'clerk'")]
    [InlineData("nurse", "plain-text-password", "PasswordHash is not a password hash")]
    public void InvalidAccounts_StopTheServerNamingTheProblem(string role, string hash, string expected)
    {
        var account = new WorkbenchAccount { Id = "x", Name = "X", Role = role, PasswordHash = hash == "PasswordHash-ok" ? Hasher.Hash("pw") : hash };

        var error = Assert.Throws<InvalidOperationException>(() => new WorkbenchAccounts([account]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateIds_AreRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new WorkbenchAccounts([Account("nora", "nurse", "a"), Account("NORA", "physician", "b")]));

        Assert.Contains("used twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashPasswordCommand_PrintsAHashThatVerifies()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = HashPasswordCommand.Run(new StringReader("s3cret-passphrase\n"), output, error, interactive: false);

        Assert.Equal(0, exit);
        var accounts = new WorkbenchAccounts([new WorkbenchAccount { Id = "a", Name = "A", Role = "nurse", PasswordHash = output.ToString().Trim() }]);
        Assert.NotNull(accounts.Verify("a", "s3cret-passphrase"));
    }

    [Fact]
    public void HashPasswordCommand_NoPassword_Exits2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, HashPasswordCommand.Run(new StringReader(""), output, error, interactive: false));
        Assert.Contains("no password", error.ToString(), StringComparison.Ordinal);
    }
}
