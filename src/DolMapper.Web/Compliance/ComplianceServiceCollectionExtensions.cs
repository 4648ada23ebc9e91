namespace DolMapper.Web.Compliance;

public static class ComplianceServiceCollectionExtensions
{
    /// <summary>Opt-outs and erasure.</summary>
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.AddSingleton<OptOutRegistry>();
        return services;
    }
}
