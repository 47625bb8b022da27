using System.Collections.Concurrent;
using Coverage.Engine.Catalogue;
using Coverage.Store;

namespace Coverage.Server;

/// <summary>The folder the server's catalogue was loaded from (Catalogue:Path, or the copy built beside the server).</summary>
internal sealed record CatalogueSource(string Root);

/// <summary>
/// The catalogue a case was decided with, by its determination's digest: today's when the digests agree, else the
/// snapshot kept when that catalogue was in use (loaded once and held). A case from before snapshots were kept, whose
/// catalogue is gone, is shown with today's, and says so.
/// </summary>
public sealed partial class CatalogueVersions(PolicyCatalogue current, IServiceScopeFactory scopes, ILogger<CatalogueVersions> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PolicyCatalogue?>>> _loaded = new(StringComparer.Ordinal);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "coverage-catalogue-snapshots", Guid.NewGuid().ToString("N"));

    public PolicyCatalogue Current => current;

    /// <summary>The catalogue with this digest, or null when it was not kept.</summary>
    public async Task<PolicyCatalogue?> FindAsync(string? digest, CancellationToken cancellationToken)
    {
        if (digest is null || digest == current.Digest) return current;
        if (!IsDigest(digest)) return null;
        var load = _loaded.GetOrAdd(digest, d => new Lazy<Task<PolicyCatalogue?>>(() => LoadAsync(d)));
        try
        {
            var catalogue = await load.Value.WaitAsync(cancellationToken);
            if (catalogue is null) _loaded.TryRemove(digest, out _); // not kept yet: another server may keep it later
            return catalogue;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _loaded.TryRemove(digest, out _); // a failed read (the database away) is tried again next time, not remembered
            throw;
        }
    }

    /// <summary>
    /// Whether the text has the shape of a catalogue digest: "sha256:" and 64 lower-case hex digits. A DTR canonical's
    /// version or a search's <c>version</c> is the caller's text; anything else names no catalogue, so it is neither
    /// looked up in the store nor logged — it was logged whole as "not kept", line breaks and all.
    /// </summary>
    private static bool IsDigest(string text) =>
        text.Length == 71 && text.StartsWith("sha256:", StringComparison.Ordinal) && !text.AsSpan(7).ContainsAnyExcept(LowerHex);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private async Task<PolicyCatalogue?> LoadAsync(string digest)
    {
        using var scope = scopes.CreateScope();
        var snapshot = await scope.ServiceProvider.GetRequiredService<CatalogueSnapshotStore>().FindAsync(digest);
        if (snapshot is null)
        {
            NotKept(logger, digest);
            return null;
        }
        // Each digest in a folder of its own, named by the digest's hex (never by anything a request sent).
        return snapshot.Load(Path.Combine(_folder, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(digest)))[..32]));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalogue {Digest} was not kept: cases decided with it are shown with the current catalogue.")]
    private static partial void NotKept(ILogger logger, string digest);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; the system cleans it if the server cannot.
        }
    }
}
