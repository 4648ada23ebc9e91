using Npgsql;

namespace DolMapper.Web.Infrastructure;

/// <summary>The application's connection and, when it is another role, the schema owner's (see <see cref="DatabaseEndpoint"/>).</summary>
public sealed record DatabaseConnections(string App, string? Owner)
{
    /// <summary>The connection migrations run with: the owner's when there is one.</summary>
    public string Migrations => Owner ?? App;
}

/// <summary>
/// Least privilege in the database (docs/security.md, "Database roles"): the schema owner runs
/// migrations and then grants the application's role what it needs and no more — read and write
/// the data, only read and append the audit log, run the owner's few maintenance functions — and
/// the application's role owns nothing, so it can neither disable a trigger nor drop a table.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>
    /// Grants the application's role (the user of <paramref name="appConnectionString"/>) its
    /// privileges, as the owner. Idempotent; run after every migration, so new tables are covered.
    /// Returns false when both connections are the same role (nothing to grant).
    /// </summary>
    public static async Task<bool> GrantAsync(string ownerConnectionString, string appConnectionString, CancellationToken cancellationToken)
    {
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        var app = new NpgsqlConnectionStringBuilder(appConnectionString).Username;
        if (string.IsNullOrEmpty(app) || string.Equals(app, owner.Username, StringComparison.Ordinal))
        {
            return false;
        }
        var role = Quote(app);
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var grant = new NpgsqlCommand($"""
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            GRANT CONNECT, TEMPORARY ON DATABASE {Quote(connection.Database)} TO {role};
            GRANT USAGE ON SCHEMA public, hangfire TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, hangfire TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public, hangfire TO {role};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};
            REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log, scoring_profile_versions FROM {role};
            """, connection);
        await grant.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// What the application's own connection could do to the audit log that it should not (empty
    /// when nothing): said at start, as the unencrypted-keys warning is, so a single-role
    /// installation is a choice made knowingly.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OverPrivilegeAsync(string appConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var check = new NpgsqlCommand("""
            SELECT r.rolsuper,
                   pg_has_role(current_user, c.relowner, 'MEMBER'),
                   has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE') OR has_table_privilege('audit_log', 'TRUNCATE')
            FROM pg_roles r, pg_class c
            WHERE r.rolname = current_user AND c.oid = to_regclass('audit_log')
            """, connection);
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        var found = new List<string>();
        if (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(0))
            {
                found.Add("is a superuser");
            }
            else if (reader.GetBoolean(1))
            {
                found.Add("owns the tables");
            }
            if (reader.GetBoolean(2))
            {
                found.Add("may update or delete audit entries");
            }
        }
        return found;
    }

    private static string Quote(string identifier) => LocalDatabase.LocalPostgresServer.QuoteIdentifier(identifier);
}
