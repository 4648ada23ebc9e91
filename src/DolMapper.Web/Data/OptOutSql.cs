namespace DolMapper.Web.Data;

/// <summary>
/// The one definition of "this person has opted out" for every read that shows or exports persons:
/// an opt-out names the person, one of their accounts (platform and id, or platform and handle in
/// any case), or their NPI (on the person or an account).
/// </summary>
public static class OptOutSql
{
    /// <summary>A SQL condition, true when the person whose id is <paramref name="personId"/> (a column or expression) has opted out.</summary>
    public static string IsOptedOut(string personId) => $"""
        (EXISTS (SELECT 1 FROM opt_outs o WHERE o.person_id = {personId})
         OR EXISTS (SELECT 1 FROM opt_outs o JOIN accounts a ON a.person_id = {personId}
                    WHERE (a.platform = o.platform AND (a.external_id = o.account_external_id OR lower(a.handle) = lower(o.handle)))
                       OR (o.npi IS NOT NULL AND a.npi = o.npi))
         OR EXISTS (SELECT 1 FROM opt_outs o JOIN persons n ON n.id = {personId} WHERE o.npi IS NOT NULL AND n.npi = o.npi))
        """;
}
