namespace DolMapper.Web.Infrastructure.Auth;

/// <summary>The three roles (README, "Roles and sign-in").</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Analyst = "Analyst";
    public const string BrandManager = "BrandManager";
    public static readonly IReadOnlyList<string> All = [Admin, Analyst, BrandManager];
}

/// <summary>Authorization policies by what a user may do.</summary>
public static class Policies
{
    /// <summary>Weights, sources, users, opt-outs, the job dashboard.</summary>
    public const string Admin = "Admin";
    /// <summary>Exports, imports, feedback: analysts and admins.</summary>
    public const string Analyst = "Analyst";
}
