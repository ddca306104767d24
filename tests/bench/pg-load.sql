-- pg-load.sql - loads a generated history (tests/bench/gen-history.c) into
-- the PostgreSQL store's tables as project "bench", history "main": the
-- rows cbaseline's merge would write (checked on a 20-run history), from
-- the COPY files gen-history writes with its COPYDIR argument.
--
-- usage: psql -v dir=COPYDIR -f pg-load.sql   (as a superuser; the tables
-- and the project made first by any cbaseline command with
-- CSTAT_PROJECT=bench; COPYDIR's files readable by the server)
--
-- Fast because nothing is parsed or checked row by row: the runs' rows
-- and the values' rows are COPY's text, the values' indexes are built
-- once after their COPY and their foreign keys are not checked (the ids
-- are right by construction: identities restart at 1, series in the
-- order the first record has them, runs in the file's order).  As the
-- store does: a run's id is "sha256:" and the hash of its record (a
-- generated record has no "id"), its metadata the record without
-- "groups", each series' configuration the group's "config" as the
-- record's text holds it.
\set ON_ERROR_STOP 1
SET maintenance_work_mem = '512MB';
BEGIN;
TRUNCATE cstat_values, cstat_runs, cstat_series, cstat_histories
  RESTART IDENTITY CASCADE;
INSERT INTO cstat_histories (project_id, name)
SELECT id, 'main' FROM cstat_projects WHERE name = 'bench';
CREATE FUNCTION pg_load_run_id() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  NEW.run_id := 'sha256:' || encode(sha256(convert_to(NEW.record, 'UTF8')),
                                    'hex');
  NEW.history_id := 1;
  NEW.meta_text := left(NEW.metadata::text, -1);
  RETURN NEW;
END $f$;
CREATE TRIGGER pg_load_run_id BEFORE INSERT ON cstat_runs
  FOR EACH ROW EXECUTE FUNCTION pg_load_run_id();
ALTER TABLE cstat_runs ALTER run_id SET DEFAULT '',
  ALTER history_id SET DEFAULT 1;
\set runs :dir '/runs.tsv'
\set vals :dir '/values.tsv'
COPY cstat_runs (created, metadata, record) FROM :'runs';
ALTER TABLE cstat_runs ALTER run_id DROP DEFAULT,
  ALTER history_id DROP DEFAULT;
DROP TRIGGER pg_load_run_id ON cstat_runs;
DROP FUNCTION pg_load_run_id();
INSERT INTO cstat_series (history_id, name, unit, config)
SELECT 1, bb.b->>'name', uu.u->>'unit',
       substring(r.record from '"config":(\[\[.*?\]\]),"benchmarks"')
FROM (SELECT * FROM cstat_runs ORDER BY seq LIMIT 1) r
CROSS JOIN LATERAL jsonb_array_elements((r.record::jsonb)->'groups')
  WITH ORDINALITY g(gv, gk)
CROSS JOIN LATERAL jsonb_array_elements(g.gv->'benchmarks')
  WITH ORDINALITY bb(b, bk)
CROSS JOIN LATERAL jsonb_array_elements(bb.b->'units')
  WITH ORDINALITY uu(u, uk)
ORDER BY g.gk, bb.bk, uu.uk;
-- The values: their indexes dropped and built again after the COPY, the
-- foreign keys' triggers off (session_replication_role).
SELECT string_agg(pg_get_indexdef(indexrelid), ';' ORDER BY indexrelid)
         AS idx
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE indrelid = 'cstat_values'::regclass AND NOT indisprimary \gset
SELECT string_agg(quote_ident(relname), ',') AS names
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE indrelid = 'cstat_values'::regclass AND NOT indisprimary \gset
DROP INDEX :names;
SELECT conname AS pk, pg_get_constraintdef(oid) AS pkdef
FROM pg_constraint
WHERE conrelid = 'cstat_values'::regclass AND contype = 'p' \gset
ALTER TABLE cstat_values DROP CONSTRAINT :"pk";
SET session_replication_role = replica;
COPY cstat_values (series_id, run_seq, vals, metadata) FROM :'vals';
SET session_replication_role = DEFAULT;
ALTER TABLE cstat_values ADD CONSTRAINT :"pk" :pkdef;
:idx;
COMMIT;
VACUUM ANALYZE;
