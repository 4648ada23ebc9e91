using DolMapper.Web.Crm;
using DolMapper.Web.Data.Entities;

namespace DolMapper.Web.Features.Admin;

/// <summary>The CRM pages' words for what a commit, edit or delete did or why it was refused.</summary>
public static class CrmNotices
{
    public static string Committed(CrmChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"{change.FileName}: {change.Added} relationships added, {change.Updated} updated; {change.Skipped} rows that match nobody were not stored; {change.Errors} rows with errors were not stored. The next scoring run uses them.";

    public static string Edited(CrmChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Relationship {change.Id} is now {change.Kind!.Replace('_', ' ')}{(change.Since is { } since ? $" since {since:yyyy-MM-dd}" : "")}.";

    public static string Deleted(CrmChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Relationship {change.Id} is deleted.";

    private static string Refused(CrmRefusal refusal, CrmChange change) => refusal switch
    {
        CrmRefusal.UploadGone => "This upload is gone (committed already, or older than a day). Upload the file again.",
        CrmRefusal.FileProblems => string.Join(" ", change.Problems ?? []),
        CrmRefusal.UnknownKind => $"'{change.Given}' is not a relationship kind ({string.Join(", ", RelationshipKinds.All)}).",
        CrmRefusal.NotADate => $"'{change.Given}' is not a date: use YYYY-MM-DD.",
        CrmRefusal.NoSuchRelationship => "No such relationship.",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}
