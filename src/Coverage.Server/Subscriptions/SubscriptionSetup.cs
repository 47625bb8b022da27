using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Subscriptions;

/// <summary>Registers PAS subscriptions: options (checked at start), the guard, the sender, the deliverer and the scopes' policies.</summary>
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
