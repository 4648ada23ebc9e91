namespace DolMapper.Web.Scoring;

public static class ScoringServiceCollectionExtensions
{
    /// <summary>HCP classification, profiles, scoring runs (job and verb), personas and the learned ranking.</summary>
    public static IServiceCollection AddScoring(this IServiceCollection services)
    {
        services.AddSingleton<HcpClassificationService>();
        services.AddScoped<ScoringProfiles>();
        services.AddScoped<ProductLists>();
        services.AddScoped<ScoringRunner>();
        services.AddScoped<ScoringRunJob>();
        services.AddSingleton<ProfilePreview>();
        services.AddSingleton<PersonaTraining>();
        services.AddScoped<PersonaTrainingJob>();
        services.AddScoped<LearnedRanking>();
        services.AddScoped<LearnedRankingJob>();
        services.AddScoped<EngagementSuggestions>();
        services.AddScoped<EngagementSuggestionsJob>();
        return services;
    }
}
