using DolMapper.Scoring;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Scoring;

public sealed class ScoringProfilesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static ProfileDefinition Profile(double science = 1) => new()
    {
        Name = "Versions",
        Hashtags = ["bcsm"],
        Weights = new Dictionary<string, double> { ["relevance"] = 1, ["science"] = science },
    };

    [Fact]
    public async Task Every_change_is_a_new_immutable_version_and_saving_the_same_again_changes_nothing()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection, storeModel: false);

        var first = await scoring.SaveProfileAsync(Profile());
        Assert.True(first.Created && first.NewVersion);
        var same = await scoring.SaveProfileAsync(Profile());
        Assert.False(same.NewVersion);
        Assert.Equal(1, same.Profile!.Version);
        var second = await scoring.SaveProfileAsync(Profile(science: -0.5));
        Assert.True(second.NewVersion);
        Assert.Equal(2, second.Profile!.Version);

        Assert.Equal(2L, await Sql.CountAsync(connection, "SELECT count(*) FROM scoring_profile_versions"));
        Assert.Equal(["profile.created", "profile.version"], await Sql.ColumnAsync(connection, "SELECT action FROM audit_log ORDER BY id"));
        var latest = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().LatestAsync("Versions", CancellationToken.None));
        Assert.Equal(-0.5, latest!.Definition.Weights["science"]);
        var v1 = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().VersionAsync(first.Profile!.VersionId, CancellationToken.None));
        Assert.Equal(1, v1!.Definition.Weights["science"]);

        // The database itself refuses to change a stored version.
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(connection, "UPDATE scoring_profile_versions SET definition = '{}'"));
        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task Bad_profiles_get_a_message_and_a_file_with_one_bad_profile_saves_nothing()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection, storeModel: false);
        var zero = await scoring.SaveProfileAsync(Profile() with { Weights = new Dictionary<string, double>() });
        Assert.False(zero.Saved);
        Assert.Contains(zero.Problems, p => p.Contains("All weights are zero", StringComparison.Ordinal));
        var country = await scoring.SaveProfileAsync(Profile() with { Countries = ["UK"] });
        Assert.Contains(country.Problems, p => p.Contains("'UK' is not an ISO 3166-1 alpha-2", StringComparison.Ordinal));
        var nothing = await scoring.SaveProfileAsync(Profile() with { Hashtags = [], Keywords = [] });
        Assert.Contains(nothing.Problems, p => p.Contains("hashtag or keyword", StringComparison.Ordinal));

        var file = $"[{Profile().ToJson()}, {{\"name\":\"Broken\",\"hashtags\":[\"x\"],\"window_days\":1,\"weights\":{{\"relevance\":1}}}}]";
        var (saved, problems) = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().ImportAsync(file, "test", CancellationToken.None));
        Assert.Empty(saved);
        Assert.Contains(problems, p => p.Contains("Broken", StringComparison.Ordinal) && p.Contains("between 7 and 730", StringComparison.Ordinal));
        Assert.Equal(0L, await Sql.CountAsync(connection, "SELECT count(*) FROM scoring_profiles"));
    }

    [Fact]
    public async Task Examples_are_added_once_and_never_overwrite_an_edited_profile()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection, storeModel: false);
        var edited = ExampleProfiles.DiabetesNewVoices with { WindowDays = 90 };
        await scoring.SaveProfileAsync(edited);
        var added = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None));
        Assert.Equal(2 + ExampleProfiles.Patients.Count, added);
        Assert.Equal(0, await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None)));
        var diabetes = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().LatestAsync(ExampleProfiles.DiabetesNewVoices.Name, CancellationToken.None));
        Assert.Equal(90, diabetes!.Definition.WindowDays);
        Assert.All(ExampleProfiles.All.Concat(ExampleProfiles.Patients), p => Assert.Empty(p.Validate()));
    }
}
