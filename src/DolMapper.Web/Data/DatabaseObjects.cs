namespace DolMapper.Web.Data;

/// <summary>SQL for database objects EF Core does not model; called from migrations.</summary>
internal static class DatabaseObjects
{
    /// <summary>
    /// The audit log and the profile versions are append-only, enforced by the database itself so
    /// that no code path (nor a hand-typed statement) can rewrite history.
    /// </summary>
    public const string CreateAppendOnlyTriggers = """
        CREATE FUNCTION dolmapper_reject_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$;

        CREATE TRIGGER audit_log_append_only
            BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION dolmapper_reject_change();
        CREATE TRIGGER audit_log_no_truncate
            BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION dolmapper_reject_change();

        CREATE TRIGGER scoring_profile_versions_append_only
            BEFORE UPDATE OR DELETE ON scoring_profile_versions
            FOR EACH ROW EXECUTE FUNCTION dolmapper_reject_change();
        CREATE TRIGGER scoring_profile_versions_no_truncate
            BEFORE TRUNCATE ON scoring_profile_versions
            FOR EACH STATEMENT EXECUTE FUNCTION dolmapper_reject_change();
        """;

    public const string DropAppendOnlyTriggers = """
        DROP TRIGGER IF EXISTS scoring_profile_versions_no_truncate ON scoring_profile_versions;
        DROP TRIGGER IF EXISTS scoring_profile_versions_append_only ON scoring_profile_versions;
        DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
        DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
        DROP FUNCTION IF EXISTS dolmapper_reject_change();
        """;
}
