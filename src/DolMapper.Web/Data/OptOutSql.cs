namespace DolMapper.Web.Data;

/// <summary>
/// The one definition of "this person has opted out" for every read that shows, scores or exports
/// persons: an opt-out names the person, one of their accounts (platform and id, or platform and
/// handle in any case), or their NPI (on the person or an account).
/// </summary>
public static class OptOutSql
{
    /// <summary>
    /// The ids of every opted-out person: the database function <c>opted_out_persons()</c>
    /// (the initial migration holds its definition), driven by
    /// the small opt-out table through indexes, planned once per session.
    /// </summary>
    public const string OptedOutPersons = "SELECT person_id FROM opted_out_persons()";

    /// <summary>A SQL condition, true when the person whose id is <paramref name="personId"/> (a column or expression) has opted out.</summary>
    public static string IsOptedOut(string personId) => $"({personId} IN ({OptedOutPersons}))";
}
