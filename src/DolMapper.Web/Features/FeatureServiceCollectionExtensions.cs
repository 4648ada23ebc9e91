namespace DolMapper.Web.Features;

public static class FeatureServiceCollectionExtensions
{
    /// <summary>The pages' own query and store classes (the web role; the command line does not use them).</summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddSingleton<Rankings.RankingQuery>();
        services.AddSingleton<Profiles.ProfileQuery>();
        services.AddSingleton<Personas.PersonaQuery>();
        services.AddSingleton<Admin.Profiles.ProfileRunsQuery>();
        services.AddSingleton<Shortlists.ShortlistStore>();
        services.AddSingleton<Admin.Audit.AuditLogQuery>();
        return services;
    }
}
