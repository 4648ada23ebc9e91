using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <summary>
    /// The few things the application does at run time that only a table's owner may do, as
    /// functions that run with the owner's rights (SECURITY DEFINER) and do exactly that one thing,
    /// so the application's own database role can own nothing (docs/security.md, "Database roles").
    /// Each fixes its search_path (with pg_temp last, so a temporary table cannot stand in for a
    /// real one) and checks its argument before acting.
    /// </summary>
    public partial class LeastPrivilege : Migration
    {
        private const string Functions = """
        -- Statistics for tables the importer has grown (ANALYZE needs the table's owner).
        CREATE FUNCTION dolmapper_analyze(tables text[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            name text;
            target regclass;
        BEGIN
            FOREACH name IN ARRAY tables LOOP
                SELECT c.oid INTO target FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relname = name AND c.relkind IN ('r', 'p');
                IF target IS NULL THEN
                    RAISE EXCEPTION 'dolmapper_analyze: % is not one of DolMapper''s tables', name;
                END IF;
                EXECUTE format('ANALYZE %s', target);
            END LOOP;
        END;
        $$;

        -- A scoring run writes its rows into a table of its own, later attached to person_scores.
        CREATE FUNCTION dolmapper_run_scores_create(run bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            t text := 'person_scores_run_' || run;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM scoring_runs WHERE id = run AND status = 'running') THEN
                RAISE EXCEPTION 'scoring run % is not running', run;
            END IF;
            EXECUTE format('CREATE TABLE %I (LIKE person_scores INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', t);
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (run_id = %s)', t, 'ck_' || t, run);
            EXECUTE format('GRANT SELECT, INSERT, DELETE ON %I TO %I', t, session_user);
        END;
        $$;

        -- person_scores' own indexes (and primary key) built on a run's table, as attaching would
        -- build them: the statements taken in turn by `parts` sessions, this one doing every
        -- `part`-th; the trigram index and the primary key cost most, so they lead. Part 0 also
        -- analyses the table (a new run's id is beyond the statistics PostgreSQL has).
        CREATE FUNCTION dolmapper_run_scores_index(run bigint, part int, parts int) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            t text := 'person_scores_run_' || run;
            statements text[] := '{}';
            costs int[] := '{}';
            ordered text[];
            r record;
            statement text;
            i int;
        BEGIN
            IF to_regclass(t) IS NULL OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(t)) THEN
                RAISE EXCEPTION 'scoring run % has no table being written', run;
            END IF;
            IF parts < 1 OR part < 0 OR part >= parts THEN
                RAISE EXCEPTION 'part % of % is out of range', part, parts;
            END IF;
            FOR r IN
                SELECT pg_get_indexdef(x.indexrelid) AS definition, con.contype, pg_get_constraintdef(con.oid) AS constraint_definition
                FROM pg_index x LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
                WHERE x.indrelid = 'person_scores'::regclass ORDER BY x.indexrelid
            LOOP
                IF r.contype = 'p' THEN
                    statement := format('ALTER TABLE %I ADD CONSTRAINT %I %s', t, 'pk_' || t, r.constraint_definition);
                    costs := costs || 1;
                ELSE
                    statement := format('CREATE %sINDEX %I ON %I%s',
                        CASE WHEN r.definition LIKE 'CREATE UNIQUE%' THEN 'UNIQUE ' ELSE '' END,
                        t || '_i' || cardinality(statements), t,
                        substr(r.definition, strpos(r.definition, ' USING ')));
                    costs := costs || CASE WHEN r.definition LIKE '% USING gin %' THEN 0 ELSE 2 END;
                END IF;
                statements := statements || statement;
            END LOOP;
            SELECT array_agg(s ORDER BY c, n) INTO ordered
            FROM unnest(statements, costs) WITH ORDINALITY AS u(s, c, n);
            FOR i IN 1 .. coalesce(cardinality(ordered), 0) LOOP
                IF (i - 1) % parts = part THEN
                    EXECUTE ordered[i];
                END IF;
            END LOOP;
            IF part = 0 THEN
                EXECUTE format('ANALYZE %I', t);
            END IF;
        END;
        $$;

        -- Publishing a run: its table becomes person_scores' partition (in the caller's transaction).
        CREATE FUNCTION dolmapper_run_scores_attach(run bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            t text := 'person_scores_run_' || run;
        BEGIN
            IF to_regclass(t) IS NULL OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(t)) THEN
                RAISE EXCEPTION 'scoring run % has no table being written', run;
            END IF;
            EXECUTE format('ALTER TABLE person_scores ATTACH PARTITION %I FOR VALUES IN (%s)', t, run);
        END;
        $$;

        -- A run that failed, or one a crash left behind: its table goes, unless it was published.
        CREATE FUNCTION dolmapper_run_scores_drop(run bigint) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            t text := 'person_scores_run_' || run;
        BEGIN
            IF to_regclass(t) IS NULL OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(t)) THEN
                RETURN false;
            END IF;
            EXECUTE format('DROP TABLE %I', t);
            RETURN true;
        END;
        $$;

        -- Whoever may run them is granted so by name (docs/security.md), not everyone by default.
        REVOKE EXECUTE ON FUNCTION dolmapper_analyze(text[]), dolmapper_run_scores_create(bigint),
            dolmapper_run_scores_index(bigint, int, int), dolmapper_run_scores_attach(bigint),
            dolmapper_run_scores_drop(bigint) FROM PUBLIC;
        """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Functions);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
            DROP FUNCTION dolmapper_analyze(text[]);
            DROP FUNCTION dolmapper_run_scores_create(bigint);
            DROP FUNCTION dolmapper_run_scores_index(bigint, int, int);
            DROP FUNCTION dolmapper_run_scores_attach(bigint);
            DROP FUNCTION dolmapper_run_scores_drop(bigint);
            """);
    }
}
