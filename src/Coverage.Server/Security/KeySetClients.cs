namespace Coverage.Server.Security;

/// <summary>
/// The named HTTP clients JWK Sets are fetched with (<see cref="KeySetCache"/>): CDS clients' sets and API token
/// issuers' sets, each through a client of its own (a test or an operator can route one without the other). Both read
/// without following redirects (a configured URL could otherwise send the payer elsewhere) and within a size (a set that
/// would hold more fails, as an unreachable one does).
/// </summary>
internal static class KeySetClients
{
    /// <summary>CDS clients' JWK Sets (<c>CdsHooks:Authentication:Issuers:N:JwksUri</c>, an allowed <c>jku</c>).</summary>
    public const string CdsClients = "cds-jwks";

    /// <summary>API token issuers' JWK Sets (<c>Api:Authentication:Issuers:N:JwksUri</c>).</summary>
    public const string ApiIssuers = "api-jwks";

    /// <summary>The most bytes a JWK Set may hold.</summary>
    public const int MaxBytes = 256 * 1024;

    public static IServiceCollection AddKeySetClients(this IServiceCollection services)
    {
        foreach (var name in (string[])[CdsClients, ApiIssuers])
            services.AddHttpClient(name, client =>
                {
                    client.Timeout = TimeSpan.FromSeconds(10);
                    client.MaxResponseContentBufferSize = MaxBytes;
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
