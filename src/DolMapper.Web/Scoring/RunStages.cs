using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>
/// A running scoring run's stage, kept in its row's details (<c>stage</c>, <c>step</c>, <c>steps</c>)
/// so the pages can say how far it is (docs/dashboard.md), and passed on to the caller's progress
/// (the command line's status line). The run's completion replaces the details with its report.
/// </summary>
internal sealed class RunStages(NpgsqlConnection connection, long runId, string profile, int steps, IProgress<string>? progress)
{
    public async Task EnterAsync(int step, string words, CancellationToken cancellationToken)
    {
        progress?.Report($"{profile}: {words}");
        await using var command = new NpgsqlCommand(
            $"UPDATE scoring_runs SET details = jsonb_build_object('stage', @stage, 'step', @step, 'steps', @steps) WHERE id = @id AND status = '{Data.Entities.RunStatuses.Running}'", connection);
        command.Parameters.AddWithValue("stage", words);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("steps", steps);
        command.Parameters.AddWithValue("id", runId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
