namespace DolMapper.Web.Compliance;

public static class ComplianceServiceCollectionExtensions
{
    /// <summary>Opt-outs and erasure, CRM relationships, person merging and the HCP review queue.</summary>
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.AddSingleton<OptOutRegistry>();
        services.AddSingleton<CrmUploads>();
        services.AddSingleton<PersonMerging>();
        services.AddSingleton<HcpReview>();
        return services;
    }
}
