using Npgsql;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// The append-only tables' triggers, tried as the schema owner: the second line of defence, behind
/// the application role's missing privileges (DatabaseRoleTests).
/// </summary>
public class AppendOnlyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("UPDATE audit_log SET action = 'tampered'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    public async Task The_audit_log_rejects_anything_but_insert(string statement)
    {
        var connectionString = postgres.OwnerConnectionString(await postgres.CreateMigratedDatabaseAsync());
        await Sql.ExecuteAsync(connectionString, "INSERT INTO audit_log (at, action, details) VALUES (now(), 'export.csv', '{\"rows\": 50}')");

        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connectionString, statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Contains("append-only", e.MessageText);
        Assert.Equal(1L, await Sql.CountAsync(connectionString, "SELECT count(*) FROM audit_log WHERE action = 'export.csv'"));
    }

    [Fact]
    public async Task The_audit_log_accepts_new_entries()
    {
        var connectionString = postgres.OwnerConnectionString(await postgres.CreateMigratedDatabaseAsync());
        await Sql.ExecuteAsync(connectionString, "INSERT INTO audit_log (at, action, details) VALUES (now(), 'a', '{}'), (now(), 'b', '{}')");
        Assert.Equal(2L, await Sql.CountAsync(connectionString, "SELECT count(*) FROM audit_log"));
    }

    [Theory]
    [InlineData("UPDATE scoring_profile_versions SET definition = '{\"weights\":{}}'")]
    [InlineData("DELETE FROM scoring_profile_versions")]
    public async Task Scoring_profile_versions_are_immutable(string statement)
    {
        var connectionString = postgres.OwnerConnectionString(await postgres.CreateMigratedDatabaseAsync());
        await Sql.ExecuteAsync(connectionString, """
            INSERT INTO scoring_profiles (name, active, created_at) VALUES ('Oncology', true, now());
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at)
                SELECT id, 1, '{"name":"Oncology"}', now() FROM scoring_profiles;
            """);

        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connectionString, statement));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }
}
