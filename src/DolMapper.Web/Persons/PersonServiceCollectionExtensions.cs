namespace DolMapper.Web.Persons;

public static class PersonServiceCollectionExtensions
{
    /// <summary>Who is who: merging and splitting persons, and the HCP review queue.</summary>
    public static IServiceCollection AddPersons(this IServiceCollection services)
    {
        services.AddSingleton<PersonMerging>();
        services.AddSingleton<HcpReview>();
        return services;
    }
}
