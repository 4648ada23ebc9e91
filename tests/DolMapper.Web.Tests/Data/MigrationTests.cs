using DolMapper.Web.Data;
using DolMapper.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DolMapper.Web.Tests.Data;

public class MigrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_then_again_as_a_no_op()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connectionString));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            Assert.NotEmpty(applied);
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var again = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            Assert.Empty(again);
            var db = scope.ServiceProvider.GetRequiredService<DolMapperDbContext>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        var tables = (await Sql.ColumnAsync(connectionString,
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('public', 'hangfire')")).ToHashSet();
        foreach (var expected in new[]
        {
            "public.persons", "public.accounts", "public.posts", "public.post_tombstones", "public.interactions",
            "public.sources", "public.source_cursors", "public.ingestion_runs", "public.quarantine",
            "public.scoring_profiles", "public.scoring_profile_versions", "public.scoring_runs", "public.person_scores",
            "public.personas", "public.events", "public.feedback", "public.shortlists", "public.shortlist_entries",
            "public.crm_relationships", "public.opt_outs", "public.audit_log", "public.trained_models",
            "public.data_protection_keys", "public.users", "public.roles", "public.user_roles",
            "hangfire.job", "hangfire.server",
        })
        {
            Assert.Contains(expected, tables);
        }
    }

    [Fact]
    public async Task The_migrations_start_at_the_squashed_InitialCreate_and_a_database_from_before_the_squash_is_refused_with_a_way_out()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connectionString));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DolMapperDbContext>();
            // One squashed start (decision 005); every change after it is a migration of its own.
            var migrations = db.Database.GetMigrations().ToList();
            Assert.EndsWith("_InitialCreate", migrations[0]);
            Assert.Single(migrations, m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        }
        await Sql.ExecuteAsync(connectionString, "INSERT INTO __ef_migrations_history VALUES ('20261125191613_ImportProgressAndUploads', '10.0.15')");

        await using var again = app.Services.CreateAsyncScope();
        var refused = await Assert.ThrowsAsync<StartupException>(() => again.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync());
        Assert.Contains("20261125191613_ImportProgressAndUploads", refused.Message);
        Assert.Contains("Start with a fresh database", refused.Message);
    }

    [Fact]
    public async Task The_model_matches_the_committed_migrations()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connectionString));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DolMapperDbContext>();
        Assert.False(db.Database.HasPendingModelChanges(), "The EF model changed without a migration: run 'dotnet ef migrations add'.");
    }

    [Fact]
    public async Task Post_keys_start_with_the_author_account_so_the_table_can_be_distributed_by_author()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        // The first column of every unique index on the big tables.
        var uniques = await Sql.ColumnAsync(connectionString, """
            SELECT c.relname || ':' || a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
            WHERE t.relname IN ('posts', 'interactions') AND i.indisunique
            """);
        Assert.True(uniques.Count >= 3, string.Join(", ", uniques));
        Assert.All(uniques, u => Assert.Contains(u.Split(':')[1], new[] { "account_id", "source_account_id" }));
    }

    [Fact]
    public async Task Top_n_of_a_run_filtered_by_country_uses_an_index_not_a_sequential_scan()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        // Many runs' worth of scores, so the planner has a real choice to make.
        await Sql.ExecuteAsync(connectionString, """
            INSERT INTO persons (public_id, created_at, updated_at, role_confirmed)
                SELECT 'p' || g, now(), now(), false FROM generate_series(1, 20000) g;
            INSERT INTO scoring_profiles (name, active, created_at) VALUES ('p', true, now());
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at) VALUES (1, 1, '{}', now());
            INSERT INTO scoring_runs (profile_id, profile_version_id, status, started_at, completed_at, data_snapshot_at, person_count)
                SELECT 1, 1, 'complete', now(), now() - (r || ' days')::interval, now(), 20000 FROM generate_series(1, 10) r;
            INSERT INTO person_scores (run_id, person_id, score, rank, tier, country, contributions,
                relevance, hcp_following, peer_trust, activity, public_influence, presence, relationship, science, geography, community,
                relevance_raw, hcp_following_raw, peer_trust_raw, activity_raw, public_influence_raw, presence_raw, relationship_raw, science_raw, geography_raw, community_raw)
                SELECT r.id, p.id, 100.0 * random(), row_number() OVER (PARTITION BY r.id ORDER BY p.id), 'rest',
                    (ARRAY['US','GB','DE','FR','ES'])[1 + p.id % 5], '{}', 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0
                FROM scoring_runs r CROSS JOIN persons p;
            ANALYZE;
            """, timeoutSeconds: 120);

        const string explain = """
            EXPLAIN SELECT s.person_id, s.score, s.rank FROM person_scores s
            WHERE s.run_id = (SELECT id FROM scoring_runs WHERE profile_id = 1 AND status = 'complete' ORDER BY completed_at DESC LIMIT 1)
              AND s.country = 'GB'
            ORDER BY s.rank LIMIT 50
            """;
        var text = string.Join('\n', await Sql.ColumnAsync(connectionString, explain));
        Assert.DoesNotContain("Seq Scan on person_scores", text);
        Assert.Contains("Index", text);
        // The run's (run_id, country, rank) index, on whichever partition holds the run.
        Assert.Contains("run_id_country_rank", text);
    }
}
