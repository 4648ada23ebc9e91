namespace DolMapper.Web.Features;

public static class FeatureServiceCollectionExtensions
{
    /// <summary>
    /// The slices' own query, store and writer classes. Every role registers them: the command line
    /// uses the ranking CSV (<c>export</c>) and user administration (<c>users</c>).
    /// </summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddSingleton<Shared.PageLinks>();
        services.AddSingleton<Rankings.RankingQuery>();
        services.AddSingleton<Rankings.RankingCsv>();
        services.AddSingleton<Patients.PatientQuery>();
        services.AddSingleton<Safety.SafetyCsv>();
        services.AddSingleton<Profiles.ProfileQuery>();
        services.AddSingleton<Personas.PersonaQuery>();
        services.AddSingleton<Insights.InsightsQuery>();
        services.AddSingleton<Overview.ProfileRunStateQuery>();
        services.AddSingleton<Overview.OverviewQuery>();
        services.AddSingleton<Network.NetworkQuery>();
        services.AddSingleton<Help.DocsLibrary>();
        services.AddSingleton<Shortlists.ShortlistStore>();
        services.AddSingleton<Admin.Audit.AuditLogQuery>();
        services.AddScoped<Admin.Users.UserAdministration>();
        services.AddScoped<SavedViews.SavedViewStore>();
        services.AddScoped<SavedViews.SavedViewAlerts>();
        return services;
    }

    /// <summary>The slices' endpoints beside their pages (CSV downloads).</summary>
    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder app)
    {
        Rankings.RankingEndpoints.Map(app);
        Shortlists.ShortlistEndpoints.Map(app);
        Insights.InsightsEndpoints.Map(app);
        Events.EventEndpoints.Map(app);
        Patients.PatientEndpoints.Map(app);
        Safety.SafetyEndpoints.Map(app);
        Network.NetworkEndpoints.Map(app);
        return app;
    }
}
