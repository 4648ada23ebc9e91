using System.Globalization;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// The ranked DOL list of a scoring profile (every role): filters and sort in the URL, server-side
/// paging; htmx swaps only the results when a filter changes. Analysts and Admins also export the
/// view as CSV and add ticked persons to a shortlist; everyone can compare ticked persons.
/// </summary>
public sealed class IndexModel(RankingQuery rankings, Patients.PatientQuery patients, Shared.PageLinks links) : PageModel
{
    /// <summary>The feedback buttons of one person (a partial the rankings and the profile page share).</summary>
    public sealed record FeedbackButtons(string Profile, long PersonId, string? Verdict, string Token);

    [BindProperty(SupportsGet = true, Name = "profile")] public string? Profile { get; set; }
    [BindProperty(SupportsGet = true, Name = "country")] public string? Country { get; set; }
    [BindProperty(SupportsGet = true, Name = "specialty")] public string? Specialty { get; set; }
    [BindProperty(SupportsGet = true, Name = "profession")] public string? Profession { get; set; }
    [BindProperty(SupportsGet = true, Name = "tier")] public string? Tier { get; set; }
    [BindProperty(SupportsGet = true, Name = "platform")] public string? Platform { get; set; }
    [BindProperty(SupportsGet = true, Name = "relationship")] public string? Relationship { get; set; }
    [BindProperty(SupportsGet = true, Name = "persona")] public int? Persona { get; set; }
    /// <summary>Only persons who took part in this event (its latest reading; docs/events.md).</summary>
    [BindProperty(SupportsGet = true, Name = "event")] public string? Event { get; set; }
    /// <summary>The events to filter by, the newest created first.</summary>
    public IReadOnlyList<string> Events { get; private set; } = [];
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    /// <summary>Lists the HCPs the run left out for this reason (<c>notranked=unknown_location</c>, …).</summary>
    [BindProperty(SupportsGet = true, Name = "notranked")] public string? NotRankedReason { get; set; }
    [BindProperty(SupportsGet = true, Name = "min")] public double? MinScore { get; set; }
    [BindProperty(SupportsGet = true, Name = "sort")] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "size")] public int? Size { get; set; }
    /// <summary>What was wrong with the URL's filters, in words (each value named and ignored).</summary>
    public IReadOnlyList<string> Notices { get; private set; } = [];
    /// <summary>The active filters, each removable.</summary>
    public IReadOnlyList<FilterChip> Chips { get; private set; } = [];
    // "page" is also Razor Pages' own route value (the page's path), so it is read from the query string alone.
    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<string> Profiles { get; private set; } = [];
    /// <summary>Who the run did not rank here, by reason, and those the search or the chosen reason finds.</summary>
    public NotRankedSummary? NotRanked { get; private set; }

    /// <summary>How many HCPs are not ranked for a reason, in words ("3 HCPs whose location is unknown").</summary>
    public static string NotRankedCount(string reason, long count) => $"{count:N0} HCP{(count == 1 ? "" : "s")} " + reason switch
    {
        DolMapper.Scoring.NotRankedReasons.NoRelevantPost => "without a post on the topic",
        DolMapper.Scoring.NotRankedReasons.OutsideMarket => "located outside the target countries",
        DolMapper.Scoring.NotRankedReasons.UnknownLocation => "whose location is unknown",
        _ => reason,
    };

    /// <summary>The list of HCPs not ranked for <paramref name="reason"/> (the search cleared: it would narrow the list to one name).</summary>
    public string NotRankedUrl(string reason)
    {
        var query = Query();
        query["notranked"] = reason;
        query["q"] = null;
        query["page"] = null;
        return Build(links.Page(HttpContext, "/Rankings/Index"), query);
    }

    /// <summary>A reason a person is not ranked, in words.</summary>
    public static string NotRankedWords(string reason) => reason switch
    {
        DolMapper.Scoring.NotRankedReasons.NoRelevantPost => "no post on this profile's topic in the window",
        DolMapper.Scoring.NotRankedReasons.OutsideMarket => "located outside the profile's countries",
        DolMapper.Scoring.NotRankedReasons.UnknownLocation => "location unknown (not ranked in a market profile until it is known)",
        _ => reason,
    };
    public RankingPage? Result { get; private set; }
    public bool CanExport => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);
    /// <summary>This analyst's verdicts on the page's persons.</summary>
    public IReadOnlyDictionary<long, string> Verdicts { get; private set; } = new Dictionary<long, string>();
    /// <summary>True when a patient influencer ranking is available to this user (the "Patient influencers" tab shows).</summary>
    public bool HasPatientRankings { get; private set; }
    /// <summary>Before the first ranking: the work under way, said instead of "no ranking yet".</summary>
    public PendingWork? Pending { get; private set; }
    /// <summary>True when the profile has a learned ranking to sort by.</summary>
    public bool HasLearned { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        var patientProfiles = await patients.ProfilesAsync(brandManager: !CanExport, cancellationToken);
        HasPatientRankings = patientProfiles.Count > 0;
        if (!string.IsNullOrWhiteSpace(Profile) && !Profiles.Contains(Profile))
        {
            if (patientProfiles.Contains(Profile))
            {
                // A patient influencer profile's ranking is on its own tab.
                return RedirectToPage("/Patients/Index", new { profile = Profile });
            }
            return this.NotFoundBecause($"There is no ranking of a scoring profile named '{Profile}': no such profile, or its first run has not completed.");
        }
        Profile ??= Profiles.FirstOrDefault();
        Events = await rankings.EventNamesAsync(cancellationToken);
        var filter = new RankingFilter(Profile, Country, Specialty, Profession, Tier, Search, MinScore, Sort, PageNumber, Platform, Relationship, Persona, Event,
            Size ?? RankingFilter.PageSize);
        Result = await rankings.PageAsync(filter, cancellationToken);
        if (Result is not null)
        {
            var offer = new RankingFilterCheck.Offer(Result.Countries, Result.Specialties, Result.Professions, Result.Personas, Events, Result.Run.HasLearnedRanking);
            (var checkedFilter, Notices) = RankingFilterCheck.Check(filter, offer);
            if (Size is { } size && !RankingFilter.PageSizes.Contains(size))
            {
                Notices = [.. Notices, $"{size} rows a page is not offered — showing {RankingFilter.PageSize}."];
            }
            if (Notices.Count > 0)
            {
                Result = await rankings.PageAsync(checkedFilter, cancellationToken);
            }
            // A page beyond the last shows the last (a shared link outlives a narrower ranking).
            var last = (int)Math.Max(1, Math.Ceiling(Result!.Total / (double)checkedFilter.Rows));
            if (PageNumber > last)
            {
                PageNumber = last;
                Result = await rankings.PageAsync(checkedFilter with { Page = last }, cancellationToken);
            }
            (Country, Specialty, Profession, Tier, Platform, Relationship, Persona, Event, Search, MinScore, Sort) = (checkedFilter.Country, checkedFilter.Specialty,
                checkedFilter.Profession, checkedFilter.Tier, checkedFilter.Platform, checkedFilter.Relationship, checkedFilter.Persona, checkedFilter.Event,
                checkedFilter.Search, checkedFilter.MinScore, checkedFilter.Sort);
            Size = checkedFilter.Rows == RankingFilter.PageSize ? null : checkedFilter.Rows;
            Chips = RankingFilterCheck.Chips(checkedFilter, offer);
            if (!string.IsNullOrWhiteSpace(NotRankedReason) && !DolMapper.Scoring.NotRankedReasons.All.Contains(NotRankedReason))
            {
                Notices = [.. Notices, $"'{NotRankedReason}' is not a reason anyone is left out of a ranking — ignored."];
                NotRankedReason = null;
            }
        }
        if (Result is not null)
        {
            HasLearned = Result.Run.HasLearnedRanking;
            // A run that left nobody out (a profile over everything, no market) needs no query for it.
            NotRanked = Result.Run.NotRanked > 0
                ? await rankings.NotRankedAsync(Result.Run, Search, NotRankedReason, 100, cancellationToken)
                : new NotRankedSummary(new Dictionary<string, long>(), []);
        }
        if (Result is null)
        {
            Pending = await rankings.PendingAsync(cancellationToken);
            return Page();
        }
        if (CanExport && Result is not null)
        {
            Verdicts = await rankings.VerdictsAsync(Result.Run.ProfileId, UserId, [.. Result.Rows.Select(r => r.PersonId)], cancellationToken);
        }
        return Request.Headers.ContainsKey("HX-Request") && !Request.Headers.ContainsKey("HX-History-Restore-Request")
            ? Partial("_Results", this)
            : Page();
    }

    /// <summary>
    /// Polled by the "a ranking is on its way" notice: the notice again while nothing is ranked,
    /// and a full reload (htmx's HX-Refresh) as soon as a first ranking is complete.
    /// </summary>
    public async Task<IActionResult> OnGetStateAsync(CancellationToken cancellationToken)
    {
        if ((await rankings.ProfilesAsync(cancellationToken)).Count > 0)
        {
            Response.Headers["HX-Refresh"] = "true";
            return new EmptyResult();
        }
        Pending = await rankings.PendingAsync(cancellationToken);
        return Partial("_Pending", this);
    }

    private string UserId => User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";

    /// <summary>An analyst's verdict on a person for the profile (htmx: the buttons come back with it marked).</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(string profile, long person, string verdict, string? note, CancellationToken cancellationToken)
    {
        if (!CanExport)
        {
            return Forbid();
        }
        var run = await rankings.LatestRunAsync(profile, cancellationToken);
        if (run is null || run.Profile != profile)
        {
            return NotFound();
        }
        // Resolved here, not in the constructor: the learned ranking's services build a DbContext, which every view of the page paid for.
        var learned = HttpContext.RequestServices.GetRequiredService<LearnedRanking>();
        var result = await learned.GiveAsync(run.ProfileId, person, UserId, verdict, note, cancellationToken);
        var message = result.Refusal switch
        {
            FeedbackRefusal.UnknownVerdict => $"'{verdict}' is not a verdict ({string.Join(", ", DolMapper.Web.Data.Entities.FeedbackVerdicts.All)}).",
            FeedbackRefusal.NoSuchPerson => "No such person.",
            _ => $"Noted: {verdict.Replace('_', ' ')}.",
        };
        if (!result.Done)
        {
            return BadRequest(message);
        }
        if (!Request.Headers.ContainsKey("HX-Request"))
        {
            TempData["Notice"] = message;
            return RedirectToPage("/Profiles/Index", new { id = person, profile });
        }
        var token = HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().GetAndStoreTokens(HttpContext).RequestToken ?? "";
        return Partial("_Feedback", new FeedbackButtons(profile, person, verdict, token));
    }

    private Dictionary<string, string?> Query() => new()
    {
        ["profile"] = Result?.Profile, ["country"] = Country, ["specialty"] = Specialty, ["profession"] = Profession, ["tier"] = Tier,
        ["platform"] = Platform, ["relationship"] = Relationship, ["persona"] = Persona?.ToString(CultureInfo.InvariantCulture), ["event"] = Event,
        ["q"] = Search, ["min"] = MinScore?.ToString(CultureInfo.InvariantCulture), ["sort"] = Result?.Filter.Sort,
        ["page"] = PageNumber > 1 ? PageNumber.ToString(CultureInfo.InvariantCulture) : null,
        ["size"] = Size?.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>This ranking with no filter at all (the profile kept; sort and page size too).</summary>
    public string ClearAllUrl => Build(links.Page(HttpContext, "/Rankings/Index"), new Dictionary<string, string?>
    {
        ["profile"] = Result?.Profile, ["sort"] = Result?.Filter.Sort, ["size"] = Size?.ToString(CultureInfo.InvariantCulture),
    });

    private static string Build(string path, Dictionary<string, string?> query) =>
        path + QueryString.Create(query.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));

    /// <summary>This view's URL with one parameter changed (paging, sorting); any change but the page's goes back to the first page.</summary>
    public string UrlWith(string key, string? value)
    {
        // Called for every sort header, chip and pager link: the view's parameters are read once a request.
        current ??= [.. Query()];
        var url = new System.Text.StringBuilder(links.Page(HttpContext, "/Rankings/Index"));
        var separator = '?';
        foreach (var (name, present) in current)
        {
            var written = name == key ? value : name == "page" ? null : present;
            if (string.IsNullOrEmpty(written))
            {
                continue;
            }
            url.Append(separator).Append(System.Text.Encodings.Web.UrlEncoder.Default.Encode(name)).Append('=').Append(System.Text.Encodings.Web.UrlEncoder.Default.Encode(written));
            separator = '&';
        }
        if (!string.IsNullOrEmpty(value) && !Array.Exists(current, p => p.Key == key))
        {
            url.Append(separator).Append(System.Text.Encodings.Web.UrlEncoder.Default.Encode(key)).Append('=').Append(System.Text.Encodings.Web.UrlEncoder.Default.Encode(value));
        }
        return url.ToString();
    }

    private KeyValuePair<string, string?>[]? current;

    /// <summary>The CSV of this view: every row of every page, in this order, with these ranks.</summary>
    public string ExportUrl
    {
        get
        {
            var query = Query();
            query["page"] = null;
            return Build(Url.RouteUrl(RankingEndpoints.Csv)!, query);
        }
    }
}
