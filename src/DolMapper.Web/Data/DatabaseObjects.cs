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

    /// <summary>
    /// <c>person_scores</c> partitioned by run: a scoring run writes its rows into a table of its
    /// own, builds that table's indexes in bulk and attaches it (ScoringRunner), instead of
    /// inserting into a dozen indexes shared with every earlier run. The table keeps its name,
    /// columns, keys, foreign keys and indexes (read from the catalog, so EF Core's names stay);
    /// existing runs get a partition each; rows for a run with no partition of its own (written by
    /// hand) land in <c>person_scores_default</c>.
    /// </summary>
    public const string PartitionPersonScoresByRun = """
        DO $$
        DECLARE
            indexes text[];
            constraints text[];
            statement text;
            run bigint;
        BEGIN
            SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}') INTO indexes
            FROM pg_index i WHERE i.indrelid = 'person_scores'::regclass AND NOT i.indisprimary;
            SELECT coalesce(array_agg(format('ALTER TABLE person_scores ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) ORDER BY c.contype DESC), '{}')
            INTO constraints
            FROM pg_constraint c WHERE c.conrelid = 'person_scores'::regclass AND c.contype IN ('p', 'f', 'c');

            CREATE TABLE person_scores_partitioned (LIKE person_scores INCLUDING DEFAULTS) PARTITION BY LIST (run_id);
            CREATE TABLE person_scores_default PARTITION OF person_scores_partitioned DEFAULT;
            FOR run IN SELECT DISTINCT run_id FROM person_scores LOOP
                EXECUTE format('CREATE TABLE person_scores_run_%s PARTITION OF person_scores_partitioned FOR VALUES IN (%s)', run, run);
            END LOOP;
            INSERT INTO person_scores_partitioned SELECT * FROM person_scores;
            DROP TABLE person_scores;
            ALTER TABLE person_scores_partitioned RENAME TO person_scores;
            FOREACH statement IN ARRAY constraints LOOP
                EXECUTE statement;
            END LOOP;
            FOREACH statement IN ARRAY indexes LOOP
                EXECUTE statement;
            END LOOP;
            -- New tables have no statistics: without them the rankings' first queries are planned blind.
            ANALYZE person_scores;
        END;
        $$;
        """;

    /// <summary>The reverse of <see cref="PartitionPersonScoresByRun"/>: one plain table again.</summary>
    public const string UnpartitionPersonScores = """
        DO $$
        DECLARE
            indexes text[];
            constraints text[];
            statement text;
        BEGIN
            SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}') INTO indexes
            FROM pg_index i WHERE i.indrelid = 'person_scores'::regclass AND NOT i.indisprimary;
            SELECT coalesce(array_agg(format('ALTER TABLE person_scores ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) ORDER BY c.contype DESC), '{}')
            INTO constraints
            FROM pg_constraint c WHERE c.conrelid = 'person_scores'::regclass AND c.contype IN ('p', 'f', 'c') AND c.conparentid = 0;

            CREATE TABLE person_scores_plain (LIKE person_scores INCLUDING DEFAULTS);
            INSERT INTO person_scores_plain SELECT * FROM person_scores;
            DROP TABLE person_scores CASCADE;
            ALTER TABLE person_scores_plain RENAME TO person_scores;
            FOREACH statement IN ARRAY constraints LOOP
                EXECUTE statement;
            END LOOP;
            FOREACH statement IN ARRAY indexes LOOP
                EXECUTE replace(statement, ' ON ONLY ', ' ON ');
            END LOOP;
        END;
        $$;
        """;
}
