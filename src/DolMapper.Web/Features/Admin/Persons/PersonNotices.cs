using DolMapper.Scoring.Hcp;
using DolMapper.Web.Persons;

namespace DolMapper.Web.Features.Admin.Persons;

/// <summary>The persons pages' words for what a merge, undo, split, dismissal or role confirmation did or why it was refused.</summary>
public static class PersonNotices
{
    public static string Merged(PersonChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Merged person {change.OtherId} into {change.PersonId} ({Accounts(change.Accounts)} moved). The next scoring run scores them as one.";

    public static string Undone(PersonChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Split person {change.OtherId} from {change.PersonId} again (merge {change.MergeId} undone): both are as they were before it.";

    public static string Split(PersonChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Moved {Accounts(change.Accounts)} of person {change.PersonId} to a new person {change.OtherId}.";

    public static string Dismissed(PersonChange change) => change.Refusal is { } refusal ? Refused(refusal, change)
        : $"Persons {change.PersonId} and {change.OtherId} are not suggested again.";

    public static string Confirmed(RoleConfirmation result) => result.Refusal switch
    {
        RoleRefusal.UnknownRole => $"'{result.Profession}' is not a role ({string.Join(", ", HcpLabels.All)}).",
        RoleRefusal.UnknownSpecialty => $"'{result.Specialty}' is not a specialty DolMapper knows ({string.Join(", ", SpecialtyLexicon.Entries.Select(e => e.Key))}).",
        RoleRefusal.NoSuchPerson => "No such person.",
        _ when result.Corrected =>
            $"Person {result.PersonId} is now {result.Profession.Replace('_', ' ')}{(result.Specialty is null ? "" : $" ({result.Specialty})")}; this correction trains the next HCP model.",
        _ => $"Person {result.PersonId} is confirmed as {result.Profession.Replace('_', ' ')}.",
    };

    private static string Refused(PersonRefusal refusal, PersonChange change) => refusal switch
    {
        PersonRefusal.SamePerson => "Choose two different persons.",
        PersonRefusal.NoSuchPerson when change.OtherId != 0 => "One of the two persons does not exist.",
        PersonRefusal.NoSuchPerson => "No such person.",
        PersonRefusal.AlreadyMerged => "One of the two persons is already merged into another; undo that merge first.",
        PersonRefusal.NothingToMove => $"Person {change.OtherId} has no accounts to move.",
        PersonRefusal.NoSuchMerge => "No such merge.",
        PersonRefusal.AlreadyUndone => $"Merge {change.MergeId} is undone already.",
        PersonRefusal.NoneTicked => "Tick the accounts that belong to someone else.",
        PersonRefusal.AllTicked => "Leave at least one account with this person: tick only those that belong to someone else.",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    private static string Accounts(int n) => $"{n} account{(n == 1 ? "" : "s")}";
}
