using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Subscriptions;

/// <summary>Registers PAS subscriptions: options (checked at start), the guard, the sender, the deliverer, the retention purge and the scopes' policies.</summary>
internal static class SubscriptionSetup
{
    public static void AddPasSubscriptions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(SubscriptionOptions.Section).Get<SubscriptionOptions>() ?? new SubscriptionOptions();
        var problems = options.Problems();
        if (problems.Count > 0) throw new InvalidOperationException(string.Join("; ", problems));
        services.AddSingleton(options);
        services.AddSingleton<EndpointGuard>();
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<ChannelHeaders>();
        services.AddSingleton<SubscriptionWake>();
        services.AddSingleton<SubscriptionRules>();
        services.AddSingleton<PasCaseResponses>();
        services.AddScoped<PasSubscriptions>();
        services.AddScoped<SubscriptionDeliveries>();
        services.AddHostedService<SubscriptionDeliverer>();

        // What only serves notifications is purged after its window (docs/decisions.md, "Retention"), by one server at a time.
        var retention = configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        var retentionProblems = retention.Problems();
        if (retentionProblems.Count > 0) throw new InvalidOperationException(string.Join("; ", retentionProblems));
        services.AddSingleton(retention);
        services.AddSingleton<RetentionPurgeService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPurgeService>());

        // The same bearer tokens as the other FHIR endpoints, with Subscription scopes.
        var authenticationOn = !environment.IsDevelopment() || configuration.GetValue("Api:Authentication:Enabled", true);
        var builder = services.AddAuthorizationBuilder();
        void Policy(string name, char interaction) => builder.AddPolicy(name, policy =>
        {
            if (!authenticationOn)
            {
                policy.RequireAssertion(_ => true);
                return;
            }
            policy.AddAuthenticationSchemes(ApiAuthentication.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => SubscriptionScopes.Allows(context.User, interaction));
        });
        Policy(SubscriptionScopes.CreatePolicy, 'c');
        Policy(SubscriptionScopes.ReadPolicy, 'r');
        Policy(SubscriptionScopes.UpdatePolicy, 'u');
        Policy(SubscriptionScopes.DeletePolicy, 'd');
    }
}
