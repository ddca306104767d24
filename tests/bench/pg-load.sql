-- pg-load.sql - loads a generated history (tests/bench/gen-history.c) into
-- the PostgreSQL store's tables as project "bench", history "main", with
-- SQL on the server: the rows cbaseline's merge would write (checked on
-- a 20-run history), in four statements rather than a transaction a run.
--
-- usage: psql -v file=/path/main.jsonl -f pg-load.sql   (the tables and the
-- project made first by any cbaseline command with CSTAT_PROJECT=bench;
-- the file readable by the server)
--
-- As the store does: a run's id is its record's "id", its metadata the
-- record without "groups" (jsonb), its values each series' float8[] (a
-- JSON number to float8 is the very double the record's text reads as);
-- series ids in the order they first appear, taken from the first run
-- (every run of a generated history has the same series), each series'
-- configuration the group's "config" as the record's text holds it.
TRUNCATE cstat_values, cstat_runs, cstat_series, cstat_histories CASCADE;
INSERT INTO cstat_histories (project_id, name)
SELECT id, 'main' FROM cstat_projects WHERE name = 'bench';
CREATE TEMPORARY TABLE stage (n bigint GENERATED ALWAYS AS IDENTITY, rec text);
-- Bytes 1 and 2 for quote and delimiter: each line one field, verbatim.
COPY stage (rec) FROM :'file'
  WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
INSERT INTO cstat_runs (history_id, run_id, created, metadata, record)
SELECT h.id, coalesce(j->>'id', 'sha256:' ||
         encode(sha256(convert_to(rec, 'UTF8')), 'hex')),
       (j->>'created')::timestamptz, j - 'groups', rec
FROM (SELECT n, rec, rec::jsonb AS j FROM stage) s
JOIN cstat_histories h ON h.name = 'main'
JOIN cstat_projects p ON p.id = h.project_id AND p.name = 'bench'
ORDER BY n;
INSERT INTO cstat_series (history_id, name, unit, config)
SELECT r.history_id, bb.b->>'name', uu.u->>'unit',
       substring(r.record from '"config":(\[\[.*?\]\]),"benchmarks"')
FROM (SELECT * FROM cstat_runs ORDER BY seq LIMIT 1) r
CROSS JOIN LATERAL jsonb_array_elements((r.record::jsonb)->'groups')
  WITH ORDINALITY g(gv, gk)
CROSS JOIN LATERAL jsonb_array_elements(g.gv->'benchmarks')
  WITH ORDINALITY bb(b, bk)
CROSS JOIN LATERAL jsonb_array_elements(bb.b->'units')
  WITH ORDINALITY uu(u, uk)
ORDER BY g.gk, bb.bk, uu.uk;
INSERT INTO cstat_values (series_id, run_seq, vals, metadata)
SELECT s.id, r.seq,
       ARRAY(SELECT jsonb_array_elements_text(uu.u->'values')::float8),
       '{}'::jsonb
FROM cstat_runs r
CROSS JOIN LATERAL jsonb_array_elements((r.record::jsonb)->'groups') g(gv)
CROSS JOIN LATERAL jsonb_array_elements(g.gv->'benchmarks') bb(b)
CROSS JOIN LATERAL jsonb_array_elements(bb.b->'units') uu(u)
JOIN cstat_series s ON s.history_id = r.history_id
  AND s.name = bb.b->>'name' AND s.unit = uu.u->>'unit';
VACUUM ANALYZE;
