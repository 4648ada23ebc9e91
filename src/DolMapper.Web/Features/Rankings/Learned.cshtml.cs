using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Rankings;

/// <summary>The learned ranking of a profile: how much feedback there is, how it compares with the weighted score, what it values, and "Retrain now".</summary>
public sealed class LearnedModel(RankingQuery rankings, LearnedRanking learned, IBackgroundJobClient jobs) : PageModel
{
    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public string? Profile { get; private set; }
    public LearnedState? State { get; private set; }
    public bool CanTrain => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);

    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync(string? profile, CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        Profile = profile is not null && Profiles.Contains(profile) ? profile : Profiles.FirstOrDefault();
        if (Profile is not null && await rankings.LatestRunAsync(Profile, cancellationToken) is { } run)
        {
            State = await learned.StateAsync(run.ProfileId, cancellationToken);
        }
    }

    /// <summary>Queues a training (a Hangfire job); the page shows the new model when it is done.</summary>
    public async Task<IActionResult> OnPostTrainAsync(string profile, CancellationToken cancellationToken)
    {
        if (!CanTrain)
        {
            return Forbid();
        }
        var run = await rankings.LatestRunAsync(profile, cancellationToken);
        if (run is null || run.Profile != profile)
        {
            return this.NotFoundBecause($"There is no ranking of a scoring profile named '{profile}'.");
        }
        jobs.Enqueue<LearnedRankingJob>(job => job.TrainAsync(run.ProfileId, CancellationToken.None));
        Notice = "Training is queued; this page shows the new model when it is done (a few seconds). If there is not enough feedback yet, the model stays as it was.";
        return RedirectToPage(new { profile });
    }
}
