using DolMapper.Web.Infrastructure;
using DolMapper.Web.Tests.Scoring;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// Least privilege in the database (docs/security.md, "Database roles"): the application's role
/// owns nothing, may only read and append the audit log, and cannot get round that — while every
/// other test of the suite shows it can still do all of its work.
/// </summary>
public sealed class DatabaseRoleTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    /// <summary>Every route by which a database role could remove or rewrite an audit entry.</summary>
    public static TheoryData<string> Tampering => new()
    {
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'tampered'",
        "TRUNCATE audit_log",
        "SET session_replication_role = replica; DELETE FROM audit_log",
        "SET LOCAL session_replication_role = replica; DELETE FROM audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL; DELETE FROM audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; DELETE FROM audit_log",
        "DROP TRIGGER audit_log_append_only ON audit_log; DELETE FROM audit_log",
        "CREATE OR REPLACE FUNCTION dolmapper_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$; DELETE FROM audit_log",
        "SET ROLE postgres; DELETE FROM audit_log",
        "SET SESSION AUTHORIZATION postgres; DELETE FROM audit_log",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "GRANT DELETE ON audit_log TO CURRENT_USER; DELETE FROM audit_log",
        "DROP TABLE audit_log CASCADE",
        "ALTER TABLE audit_log RENAME TO audit_log_old",
        "CREATE TABLE public.audit_copy AS SELECT * FROM audit_log",
        "COPY audit_log FROM PROGRAM 'true'",
        "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log)",
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task The_application_role_cannot_remove_or_rewrite_an_audit_entry(string statement)
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        Assert.Equal(PostgresFixture.AppRole, new NpgsqlConnectionStringBuilder(connection).Username);
        await Sql.ExecuteAsync(connection, "INSERT INTO audit_log (at, action, details) VALUES (now(), 'export.csv', '{\"rows\": 50}')");

        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connection, statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        var owner = postgres.OwnerConnectionString(connection);
        Assert.Equal(1L, await Sql.CountAsync(owner, "SELECT count(*) FROM audit_log WHERE action = 'export.csv'"));
        Assert.Equal(0L, await Sql.CountAsync(owner, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND tgenabled <> 'O'"));
        Assert.Equal(2L, await Sql.CountAsync(owner, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"));
    }

    [Fact]
    public async Task After_an_import_and_a_scoring_run_the_application_role_owns_nothing_and_the_owner_still_owns_every_table()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(ScoringRunTests.World())).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(ScoringRunTests.Oncology)).Saved);
        var runs = await scoring.ScoreAsync(ScoringRunTests.Oncology.Name);
        Assert.All(runs, r => Assert.True(r.Complete, r.Message));

        // The run's own table was made, indexed and attached by the owner's functions.
        var run = runs.Single().RunId;
        Assert.Equal(1L, await db.CountAsync($"""
            SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'person_scores'::regclass AND c.relname = 'person_scores_run_{run}' AND pg_get_userbyid(c.relowner) <> current_user
            """));
        // With the primary key and every index person_scores has (the partitioned index's children).
        Assert.Equal(
            await db.CountAsync("SELECT count(*) FROM pg_index WHERE indrelid = 'person_scores'::regclass"),
            await db.CountAsync($"SELECT count(*) FROM pg_index WHERE indrelid = 'person_scores_run_{run}'::regclass"));
        Assert.True(await db.CountAsync("SELECT count(*) FROM person_scores") > 0);
        Assert.Equal(0L, await db.CountAsync("""
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND relpersistence <> 't')
                 + (SELECT count(*) FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user))
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%')
            """));
        // The importer's statistics were refreshed through the owner's function.
        // (Of posts itself, or of its partitions, which ANALYZE of a partitioned table reaches.)
        Assert.True(await db.CountAsync("""
            SELECT count(*) FROM pg_stat_user_tables
            WHERE (relname = 'posts' OR relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'posts'::regclass)) AND last_analyze IS NOT NULL
            """) >= 1);
        Assert.Empty(await DatabaseRoles.OverPrivilegeAsync(db.ConnectionString, CancellationToken.None));
        Assert.Contains("is a superuser", await DatabaseRoles.OverPrivilegeAsync(postgres.OwnerConnectionString(db.ConnectionString), CancellationToken.None));
    }

    [Fact]
    public async Task The_owners_functions_do_only_their_one_thing()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        // Not for a run that is not running, not for a table that is not DolMapper's, not for a published run.
        var notRunning = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connection, "SELECT dolmapper_run_scores_create(424242)"));
        Assert.Contains("not running", notRunning.MessageText);
        var foreign = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connection, "SELECT dolmapper_analyze(ARRAY['pg_authid'])"));
        Assert.Contains("not one of DolMapper's tables", foreign.MessageText);
        Assert.False((bool)(await Sql.ScalarAsync(connection, "SELECT dolmapper_run_scores_drop(424242)"))!);
        // A temporary table cannot stand in for a real one inside them (pg_temp is searched last).
        await using var session = new NpgsqlConnection(connection);
        await session.OpenAsync();
        await using (var shadow = new NpgsqlCommand("CREATE TEMP TABLE scoring_runs (id bigint, status text); INSERT INTO scoring_runs VALUES (77, 'running')", session))
        {
            await shadow.ExecuteNonQueryAsync();
        }
        await using var create = new NpgsqlCommand("SELECT dolmapper_run_scores_create(77)", session);
        var shadowed = await Assert.ThrowsAsync<PostgresException>(() => create.ExecuteNonQueryAsync());
        Assert.Contains("not running", shadowed.MessageText);
    }

    [Fact]
    public async Task Without_the_owners_connection_a_schema_change_is_refused_with_the_setting_to_use()
    {
        // An empty database (the owner's) that the application role may connect to but not change.
        var empty = await postgres.CreateEmptyDatabaseAsync();
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:DolMapper"] = empty,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        }));

        var e = await Assert.ThrowsAsync<StartupException>(() => app.PrepareAsync());

        Assert.Contains("ConnectionStrings:DolMapperOwner", e.Message);
        Assert.Contains("docs/security.md", e.Message);
    }

    [Fact]
    public async Task With_only_the_application_roles_connection_a_current_database_starts_and_the_role_is_not_reported()
    {
        // The web and worker processes may run without the owner's connection once `migrate` ran with it.
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await DolMapperApp.CreateAsync(HostRole.Worker, [], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:DolMapper"] = connection,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["DolMapper:Jobs:WorkerCount"] = "1",
        }));

        Assert.Empty(await app.PrepareAsync());
        Assert.Null(app.Database.OwnerConnectionString);
        Assert.Empty(await DatabaseRoles.OverPrivilegeAsync(connection, CancellationToken.None));
    }

    [Fact]
    public async Task With_both_connections_the_owner_migrates_and_the_application_role_is_granted_what_it_needs()
    {
        var empty = await postgres.CreateEmptyDatabaseAsync();
        await using (var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(empty)))
        {
            await app.PrepareAsync();
        }
        var owner = postgres.OwnerConnectionString(empty);
        Assert.Equal(0L, await Sql.CountAsync(owner, $"""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('public', 'hangfire') AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) = '{PostgresFixture.AppRole}'
            """));
        // Read and append the audit log; read and write the data; run jobs through Hangfire's tables.
        await Sql.ExecuteAsync(empty, "INSERT INTO audit_log (at, action, details) VALUES (now(), 'a', '{}')");
        Assert.Equal(1L, await Sql.CountAsync(empty, "SELECT count(*) FROM audit_log"));
        await Sql.ExecuteAsync(empty, "INSERT INTO persons (public_id, created_at, updated_at, role_confirmed) VALUES ('x:1', now(), now(), false); UPDATE persons SET display_name = 'B'; DELETE FROM persons");
        Assert.True(await Sql.CountAsync(empty, "SELECT count(*) FROM hangfire.job") >= 0);
        await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(empty, "CREATE TABLE made_by_app (a int)"));
    }
}
