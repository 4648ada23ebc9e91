namespace DolMapper.Web.Crm;

public static class CrmServiceCollectionExtensions
{
    /// <summary>CRM relationships: uploads with their preview and commit, edits and deletes.</summary>
    public static IServiceCollection AddCrm(this IServiceCollection services)
    {
        services.AddSingleton<CrmUploads>();
        return services;
    }
}
