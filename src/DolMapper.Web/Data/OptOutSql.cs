namespace DolMapper.Web.Data;

/// <summary>
/// The one definition of "this person has opted out" for every read that shows, scores or exports
/// persons: an opt-out names the person, one of their accounts (platform and id, or platform and
/// handle in any case), or their NPI (on the person or an account).
/// </summary>
public static class OptOutSql
{
    /// <summary>
    /// The ids of every opted-out person, driven by the (small) opt-out table through indexes, so a
    /// read pays for the opt-outs, not for the persons it shows. Accounts are found by
    /// <c>ix_accounts_platform_lower_handle</c> for handle opt-outs.
    /// </summary>
    public const string OptedOutPersons = """
        SELECT o.person_id FROM opt_outs o WHERE o.person_id IS NOT NULL
        UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.platform = o.platform AND a.external_id = o.account_external_id
        UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.platform = o.platform AND lower(a.handle) = lower(o.handle)
        UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.npi = o.npi
        UNION SELECT n.id FROM opt_outs o JOIN persons n ON n.npi = o.npi
        """;

    /// <summary>A SQL condition, true when the person whose id is <paramref name="personId"/> (a column or expression) has opted out.</summary>
    public static string IsOptedOut(string personId) => $"({personId} IN ({OptedOutPersons}))";
}
