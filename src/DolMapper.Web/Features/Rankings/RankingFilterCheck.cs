using System.Globalization;
using DolMapper.Scoring;

namespace DolMapper.Web.Features.Rankings;

/// <summary>One active filter as the page shows it: a removable chip ("Country: DE ×").</summary>
public sealed record FilterChip(string Key, string Label);

/// <summary>
/// Filters that tell the truth (docs/dashboard.md): each value in a ranking's URL is checked
/// against what the run can offer; an unknown one is named and ignored instead of silently matching
/// nobody, an over-long search is shortened with a message, and the active filters are listed as
/// chips that remove them.
/// </summary>
public static class RankingFilterCheck
{
    /// <summary>Longer searches are cut to this (no name or handle is longer; the box refuses more).</summary>
    public const int MaxSearchLength = 200;

    /// <summary>What the run can offer each filter.</summary>
    public sealed record Offer(
        IReadOnlyList<string> Countries, IReadOnlyList<string> Specialties, IReadOnlyList<string> Professions,
        IReadOnlyList<(int Id, string Name)> Personas, IReadOnlyList<string> Events, bool HasLearned);

    /// <summary>The filter with unknown values dropped, and a sentence for each one dropped or changed.</summary>
    public static (RankingFilter Filter, IReadOnlyList<string> Notices) Check(RankingFilter filter, Offer offer)
    {
        var notices = new List<string>();
        string? Known(string? value, string what, IEnumerable<string> known)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }
            var trimmed = value.Trim();
            if (known.Contains(trimmed, StringComparer.Ordinal))
            {
                return trimmed;
            }
            notices.Add($"{what} '{Shorten(trimmed)}' is not in this ranking — ignored.");
            return null;
        }

        var search = filter.Search;
        if (search is { Length: > MaxSearchLength })
        {
            search = search[..MaxSearchLength];
            notices.Add($"The search was shortened to its first {MaxSearchLength} characters.");
        }
        var persona = filter.Persona;
        if (persona is { } id && offer.Personas.All(p => p.Id != id))
        {
            notices.Add($"Persona {id} is not in this ranking — ignored.");
            persona = null;
        }
        var min = filter.MinScore;
        if (min is { } m && (double.IsNaN(m) || m < 0 || m > 100))
        {
            notices.Add($"A minimum score of {m.ToString(CultureInfo.InvariantCulture)} is outside 0–100 — ignored.");
            min = null;
        }
        var sort = filter.Sort;
        if (!string.IsNullOrWhiteSpace(sort) && (filter.SortKey is null || (sort == RankingFilter.Learned && !offer.HasLearned)))
        {
            notices.Add(sort == RankingFilter.Learned
                ? "This profile has no ranking learned from feedback yet — sorted by DOL score."
                : $"'{Shorten(sort)}' is not something to sort by — sorted by DOL score.");
            sort = null;
        }
        var relationships = Data.Entities.RelationshipKinds.All.Where(k => k != "none").Append(RankingFilter.AnyRelationship);
        var checkedFilter = filter with
        {
            Country = Known(filter.Country, "Country", offer.Countries),
            Specialty = Known(filter.Specialty, "Specialty", offer.Specialties),
            Profession = Known(filter.Profession, "Profession", offer.Professions),
            Tier = Known(filter.Tier, "Tier", Tiers.All),
            Platform = Known(filter.Platform, "Platform", Data.Entities.Platforms.All),
            Relationship = Known(filter.Relationship, "CRM relationship", relationships),
            Event = Known(filter.Event, "Event", offer.Events),
            Search = string.IsNullOrWhiteSpace(search) ? null : search,
            Persona = persona,
            MinScore = min,
            Sort = sort,
        };
        return (checkedFilter, notices);
    }

    /// <summary>The active filters of a checked filter, each a chip that removes it.</summary>
    public static IReadOnlyList<FilterChip> Chips(RankingFilter filter, Offer offer)
    {
        var chips = new List<FilterChip>();
        void Add(string key, string? value, string label)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                chips.Add(new FilterChip(key, label));
            }
        }
        Add("country", filter.Country, $"Country: {filter.Country}");
        Add("specialty", filter.Specialty, $"Specialty: {filter.Specialty?.Replace('_', ' ')}");
        Add("profession", filter.Profession, $"Profession: {filter.Profession?.Replace('_', ' ')}");
        Add("tier", filter.Tier, $"Tier: {filter.Tier}");
        Add("platform", filter.Platform, $"Platform: {filter.Platform}");
        Add("relationship", filter.Relationship, filter.Relationship == RankingFilter.AnyRelationship ? "Has a CRM relationship" : $"CRM relationship: {filter.Relationship?.Replace('_', ' ')}");
        if (filter.Persona is { } persona)
        {
            Add("persona", "x", $"Persona: {offer.Personas.FirstOrDefault(p => p.Id == persona).Name}");
        }
        Add("event", filter.Event, $"Took part in: {filter.Event}");
        if (filter.MinScore is { } min)
        {
            Add("min", "x", $"Score ≥ {min.ToString("0.#", CultureInfo.InvariantCulture)}");
        }
        Add("q", filter.Search, $"Name or handle: “{Shorten(filter.Search ?? "")}”");
        return chips;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
