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

    /// <summary>
    /// The one definition of an opted-out person (see <see cref="OptOutSql"/>): the person, one of
    /// their accounts (platform and id, or platform and handle in any case), or their NPI. A
    /// PL/pgSQL function so that its plan is made once per session, not in every statement that
    /// reads a ranking; driven by the small opt-out table through indexes.
    /// </summary>
    public const string CreateOptedOutPersonsFunction = """
        CREATE FUNCTION opted_out_persons() RETURNS TABLE (person_id bigint)
        LANGUAGE plpgsql STABLE ROWS 10 AS $$
        BEGIN
            RETURN QUERY
                SELECT o.person_id FROM opt_outs o WHERE o.person_id IS NOT NULL
                UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.platform = o.platform AND a.external_id = o.account_external_id
                UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.platform = o.platform AND lower(a.handle) = lower(o.handle)
                UNION SELECT a.person_id FROM opt_outs o JOIN accounts a ON a.npi = o.npi
                UNION SELECT n.id FROM opt_outs o JOIN persons n ON n.npi = o.npi;
        END;
        $$;
        """;

    public const string DropOptedOutPersonsFunction = "DROP FUNCTION IF EXISTS opted_out_persons()";
}
