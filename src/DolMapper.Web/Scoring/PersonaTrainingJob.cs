using Hangfire;

namespace DolMapper.Web.Scoring;

/// <summary>Persona training as its own Hangfire job, queued after each complete scoring run (not part of the run's time).</summary>
public sealed class PersonaTrainingJob(PersonaTraining training, ILogger<PersonaTrainingJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        var report = await training.TrainAsync(runId, cancellationToken);
        logger.LogInformation("Persona training after run {Run}: {Message}", runId, report.Message);
    }

    public static string Enqueue(IBackgroundJobClient jobs, long runId) =>
        jobs.Enqueue<PersonaTrainingJob>(job => job.RunAsync(runId, CancellationToken.None));
}
