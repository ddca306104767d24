/*
 * postgresql.c - the PostgreSQL store: baselines and histories of several
 * projects in one database, shared by every runner of a team (stores.h,
 * docs/cbaseline.md "A shared store on PostgreSQL").
 *
 * Each record is one transaction, and a run whose id a history holds
 * already is stored once: recording it again is a success that adds
 * nothing.  A connection lost mid-record leaves nothing (the server rolls
 * the transaction back).  Every value goes to the server as a parameter
 * (PQexecParams), never in the text of a query.  Credentials come from
 * the location, libpq's environment or ~/.pgpass, and no message names
 * the password: locations are printed redacted (cstat_store_redact())
 * and the server's messages have the password cut out.
 *
 * The layout is versioned: opening the store applies the migrations it
 * lacks in one transaction under an advisory lock (two first runs at once
 * migrate once), and refuses a layout newer than this code knows.
 * Besides each run's exact record (what reading a history returns, so
 * reports stay byte-identical to the file store's), every run's values
 * are kept per series (benchmark, unit, configuration) as float8[] for
 * queries over one series in time.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include "builder.h"
#include "ostream.h"
#include "pq.h"
#include "store.h"
#include "stores.h"

/* pg_advisory_xact_lock() key of the migrations: "cstatmig". */
#define MIGRATION_LOCK "7166236040461985127"

/*
 * The migrations, in order: migration k (from 1) takes the layout from
 * version k - 1 to k.  Add to the end; never edit one that shipped.
 */
static const char *const migrations[] = {
	/* 1: projects, baselines, histories, runs, series and values. */
	"CREATE TABLE cstat_projects ("
	"  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  name text NOT NULL UNIQUE);"
	"CREATE TABLE cstat_baselines ("
	"  project_id bigint NOT NULL REFERENCES cstat_projects(id),"
	"  name text NOT NULL,"
	"  record text NOT NULL,"
	"  created timestamptz,"
	"  saved_at timestamptz NOT NULL DEFAULT now(),"
	"  PRIMARY KEY (project_id, name));"
	"CREATE TABLE cstat_histories ("
	"  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  project_id bigint NOT NULL REFERENCES cstat_projects(id),"
	"  name text NOT NULL,"
	"  UNIQUE (project_id, name));"
	"CREATE TABLE cstat_runs ("
	"  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  history_id bigint NOT NULL REFERENCES cstat_histories(id),"
	"  run_id text NOT NULL,"
	"  created timestamptz,"
	"  recorded_at timestamptz NOT NULL DEFAULT now(),"
	"  metadata jsonb NOT NULL,"
	"  record text NOT NULL,"
	"  UNIQUE (history_id, run_id));"
	/* "The last run" and a history in order. */
	"CREATE INDEX cstat_runs_last ON cstat_runs (history_id, seq DESC);"
	"CREATE TABLE cstat_series ("
	"  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  history_id bigint NOT NULL REFERENCES cstat_histories(id),"
	"  name text NOT NULL,"
	"  unit text NOT NULL,"
	"  config text NOT NULL);"
	/* A configuration can be long: its hash keeps the key small. */
	"CREATE UNIQUE INDEX cstat_series_key ON cstat_series"
	"  (history_id, name, unit, md5(config));"
	"CREATE TABLE cstat_values ("
	"  series_id bigint NOT NULL REFERENCES cstat_series(id),"
	"  run_seq bigint NOT NULL REFERENCES cstat_runs(seq)"
	"    ON DELETE CASCADE,"
	"  vals float8[] NOT NULL,"
	"  metadata jsonb NOT NULL,"
	/* "One series over time": its values in run order. */
	"  PRIMARY KEY (series_id, run_seq));"
	"CREATE INDEX cstat_values_run ON cstat_values (run_seq);",
	/* 2: one series over time read from the index alone (an
	 * index-only scan), not from heap pages spread over every run. */
	"CREATE INDEX cstat_values_series ON cstat_values"
	"  (series_id, run_seq) INCLUDE (vals);",
	/* 3: a record in one statement, so one round trip: the history
	 * (added if new), the run (nothing when its id is there: false),
	 * its series and values.  Each statement of the function sees
	 * what committed before it, as the separate statements did, so a
	 * series a concurrent record added is found by the values' join.
	 * It runs with its caller's rights: a runner needs no more than
	 * INSERT and SELECT. */
	"CREATE FUNCTION cstat_record(p_project bigint, p_history text,"
	"  p_run text, p_created timestamptz, p_meta jsonb, p_record text,"
	"  p_series jsonb) RETURNS boolean LANGUAGE plpgsql AS $f$"
	" DECLARE hid bigint; s bigint;"
	" BEGIN"
	"  SELECT id INTO hid FROM cstat_histories"
	"   WHERE project_id = p_project AND name = p_history;"
	"  IF hid IS NULL THEN"
	"   INSERT INTO cstat_histories (project_id, name)"
	"    VALUES (p_project, p_history) ON CONFLICT DO NOTHING;"
	"   SELECT id INTO hid FROM cstat_histories"
	"    WHERE project_id = p_project AND name = p_history;"
	"  END IF;"
	"  INSERT INTO cstat_runs"
	"   (history_id, run_id, created, metadata, record)"
	"   VALUES (hid, coalesce(p_run, 'sha256:' || encode(sha256("
	"    convert_to(p_record, 'UTF8')), 'hex')),"
	"    p_created, p_meta, p_record)"
	"   ON CONFLICT (history_id, run_id) DO NOTHING RETURNING seq INTO s;"
	"  IF s IS NULL THEN RETURN false; END IF;"
	/* In the record's order, so that a series' id says where it first
	 * appeared (see insert_record()). */
	"  INSERT INTO cstat_series (history_id, name, unit, config)"
	"   SELECT hid, v.name, v.unit, v.config"
	"   FROM ROWS FROM (jsonb_to_recordset(p_series)"
	"    AS (name text, unit text, config text))"
	"    WITH ORDINALITY AS v(name, unit, config, k)"
	"   WHERE NOT EXISTS (SELECT 1 FROM cstat_series c"
	"    WHERE c.history_id = hid AND c.name = v.name"
	"    AND c.unit = v.unit AND md5(c.config) = md5(v.config))"
	"   ORDER BY k ON CONFLICT DO NOTHING;"
	"  INSERT INTO cstat_values (series_id, run_seq, vals, metadata)"
	"   SELECT c.id, s, v.vals, v.meta"
	"   FROM jsonb_to_recordset(p_series) AS v(name text, unit text,"
	"    config text, vals float8[], meta jsonb)"
	"   JOIN cstat_series c ON c.history_id = hid AND c.name = v.name"
	"    AND c.unit = v.unit AND md5(c.config) = md5(v.config);"
	"  RETURN true;"
	" END $f$;",
	/* 4: each run's metadata also as text without its closing brace
	 * (what reading one benchmark joins its series to: jsonb to text
	 * was most of that query's time), and cstat_record() with the
	 * series as arrays, one element a series (name, unit,
	 * configuration, how many values, Unit metadata), and every value
	 * in one float8[]: the server reads numbers as numbers instead of
	 * parsing JSON twice (once a statement). */
	"ALTER TABLE cstat_runs ADD COLUMN meta_text text;"
	"UPDATE cstat_runs SET meta_text = left(metadata::text, -1);"
	"CREATE FUNCTION cstat_record(p_project bigint, p_history text,"
	"  p_run text, p_created timestamptz, p_meta jsonb, p_record text,"
	"  p_name text[], p_unit text[], p_config text[], p_n int[],"
	"  p_vals float8[], p_vmeta jsonb[]) RETURNS boolean"
	"  LANGUAGE plpgsql AS $f$"
	" DECLARE hid bigint; s bigint;"
	" BEGIN"
	"  SELECT id INTO hid FROM cstat_histories"
	"   WHERE project_id = p_project AND name = p_history;"
	"  IF hid IS NULL THEN"
	"   INSERT INTO cstat_histories (project_id, name)"
	"    VALUES (p_project, p_history) ON CONFLICT DO NOTHING;"
	"   SELECT id INTO hid FROM cstat_histories"
	"    WHERE project_id = p_project AND name = p_history;"
	"  END IF;"
	"  INSERT INTO cstat_runs"
	"   (history_id, run_id, created, metadata, record, meta_text)"
	"   VALUES (hid, coalesce(p_run, 'sha256:' || encode(sha256("
	"    convert_to(p_record, 'UTF8')), 'hex')),"
	"    p_created, p_meta, p_record, left(p_meta::text, -1))"
	"   ON CONFLICT (history_id, run_id) DO NOTHING RETURNING seq INTO s;"
	"  IF s IS NULL THEN RETURN false; END IF;"
	"  INSERT INTO cstat_series (history_id, name, unit, config)"
	"   SELECT hid, v.name, v.unit, v.config"
	"   FROM unnest(p_name, p_unit, p_config)"
	"    WITH ORDINALITY AS v(name, unit, config, k)"
	"   WHERE NOT EXISTS (SELECT 1 FROM cstat_series c"
	"    WHERE c.history_id = hid AND c.name = v.name"
	"    AND c.unit = v.unit AND md5(c.config) = md5(v.config))"
	"   ORDER BY k ON CONFLICT DO NOTHING;"
	/* Series k's values are p_vals(o - n, o], o the running sum of
	 * the counts. */
	"  INSERT INTO cstat_values (series_id, run_seq, vals, metadata)"
	"   SELECT c.id, s, p_vals[v.o - v.n + 1 : v.o], v.meta"
	"   FROM (SELECT u.*, sum(u.n) OVER (ORDER BY u.k) AS o"
	"    FROM unnest(p_name, p_unit, p_config, p_n, p_vmeta)"
	"     WITH ORDINALITY AS u(name, unit, config, n, meta, k)) v"
	"   JOIN cstat_series c ON c.history_id = hid AND c.name = v.name"
	"    AND c.unit = v.unit AND md5(c.config) = md5(v.config);"
	"  RETURN true;"
	" END $f$;",
	/* 5: a record with less work on the server (docs/performance.md
	 * "Record, third pass").  The values lose their two foreign keys:
	 * checking them was a third of the statement's time (a trigger
	 * and a query per value row, 1,000 a run), and only
	 * cstat_record() writes values, for its own new run and series it
	 * has just found.  A statement trigger deletes a run's values
	 * with the run, as the cascade did.  cstat_record() finds the
	 * series once (one join; the insert and a second join only when
	 * one is new) and compares configurations as text rather than
	 * their md5 (which the server computed for every series of the
	 * history, twice); the unique index keeps its md5.  And the values'
	 * primary key is the covering index (series, run, the values): it
	 * was a second index on the same key, and each puts a run's 500
	 * rows on 500 leaf pages (2-3 ms of the statement's CPU). */
	"ALTER TABLE cstat_values"
	"  DROP CONSTRAINT IF EXISTS cstat_values_series_id_fkey,"
	"  DROP CONSTRAINT IF EXISTS cstat_values_run_seq_fkey;"
	"CREATE UNIQUE INDEX cstat_values_key ON cstat_values"
	"  (series_id, run_seq) INCLUDE (vals);"
	"ALTER TABLE cstat_values DROP CONSTRAINT cstat_values_pkey;"
	"DROP INDEX cstat_values_series;"
	/* The index keeps its name (the constraint's). */
	"ALTER TABLE cstat_values ADD CONSTRAINT cstat_values_series"
	"  PRIMARY KEY USING INDEX cstat_values_key;"
	"CREATE FUNCTION cstat_runs_gone() RETURNS trigger"
	"  LANGUAGE plpgsql AS $f$"
	" BEGIN"
	"  DELETE FROM cstat_values WHERE run_seq IN (SELECT seq FROM gone);"
	"  RETURN NULL;"
	" END $f$;"
	"CREATE TRIGGER cstat_runs_gone AFTER DELETE ON cstat_runs"
	"  REFERENCING OLD TABLE AS gone"
	"  FOR EACH STATEMENT EXECUTE PROCEDURE cstat_runs_gone();"
	"CREATE OR REPLACE FUNCTION cstat_record(p_project bigint,"
	"  p_history text, p_run text, p_created timestamptz, p_meta jsonb,"
	"  p_record text, p_name text[], p_unit text[], p_config text[],"
	"  p_n int[], p_vals float8[], p_vmeta jsonb[]) RETURNS boolean"
	"  LANGUAGE plpgsql AS $f$"
	" DECLARE hid bigint; s bigint; ids bigint[];"
	" BEGIN"
	"  SELECT id INTO hid FROM cstat_histories"
	"   WHERE project_id = p_project AND name = p_history;"
	"  IF hid IS NULL THEN"
	"   INSERT INTO cstat_histories (project_id, name)"
	"    VALUES (p_project, p_history) ON CONFLICT DO NOTHING;"
	"   SELECT id INTO hid FROM cstat_histories"
	"    WHERE project_id = p_project AND name = p_history;"
	"  END IF;"
	"  INSERT INTO cstat_runs"
	"   (history_id, run_id, created, metadata, record, meta_text)"
	"   VALUES (hid, coalesce(p_run, 'sha256:' || encode(sha256("
	"    convert_to(p_record, 'UTF8')), 'hex')),"
	"    p_created, p_meta, p_record, left(p_meta::text, -1))"
	"   ON CONFLICT (history_id, run_id) DO NOTHING RETURNING seq INTO s;"
	"  IF s IS NULL THEN RETURN false; END IF;"
	/* Series k's id is ids[k]. */
	"  SELECT array_agg(c.id ORDER BY v.k) INTO ids"
	"   FROM unnest(p_name, p_unit, p_config)"
	"    WITH ORDINALITY AS v(name, unit, config, k)"
	"   JOIN cstat_series c ON c.history_id = hid AND c.name = v.name"
	"    AND c.unit = v.unit AND c.config = v.config;"
	"  IF coalesce(cardinality(ids), 0) < cardinality(p_name) THEN"
	/* In the record's order, so that a series' id says where it
	 * first appeared.  A statement sees what committed before it, so
	 * the join below finds a series a concurrent record added. */
	"   INSERT INTO cstat_series (history_id, name, unit, config)"
	"    SELECT hid, v.name, v.unit, v.config"
	"    FROM unnest(p_name, p_unit, p_config)"
	"     WITH ORDINALITY AS v(name, unit, config, k)"
	"    WHERE NOT EXISTS (SELECT 1 FROM cstat_series c"
	"     WHERE c.history_id = hid AND c.name = v.name"
	"     AND c.unit = v.unit AND c.config = v.config)"
	"    ORDER BY k ON CONFLICT DO NOTHING;"
	"   SELECT array_agg(c.id ORDER BY v.k) INTO ids"
	"    FROM unnest(p_name, p_unit, p_config)"
	"     WITH ORDINALITY AS v(name, unit, config, k)"
	"    JOIN cstat_series c ON c.history_id = hid AND c.name = v.name"
	"     AND c.unit = v.unit AND c.config = v.config;"
	"   IF coalesce(cardinality(ids), 0) <> cardinality(p_name) THEN"
	"    RAISE EXCEPTION 'cstat_record: % series, % found',"
	"     cardinality(p_name), coalesce(cardinality(ids), 0);"
	"   END IF;"
	"  END IF;"
	/* Series k's values are p_vals(o - n, o], o the running sum of
	 * the counts. */
	"  INSERT INTO cstat_values (series_id, run_seq, vals, metadata)"
	"   SELECT v.id, s, p_vals[v.o - v.n + 1 : v.o], v.meta"
	"   FROM (SELECT u.*, sum(u.n) OVER (ORDER BY u.k) AS o"
	"    FROM unnest(ids, p_n, p_vmeta)"
	"     WITH ORDINALITY AS u(id, n, meta, k)) v;"
	"  RETURN true;"
	" END $f$;",
};

#define LATEST (sizeof(migrations) / sizeof(migrations[0]))

struct pg {
	struct cstat__pq pq; /* libpq, opened with the store (pq.h) */
	PGconn *conn;
	char where[512]; /* the location without its password */
	char *secret;	 /* the password, cut out of every message */
	char project_id[24];
};

/* ---------------------------------------------------------------------- */
/* Messages. */

/* Replaces every copy of secret in msg by "***". */
static void
scrub(char *msg, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;

	if (!n)
		return;
	while ((p = strstr(msg, secret)) != NULL) {
		size_t rest = strlen(p + n);
		if (n >= 3) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + n, rest + 1);
		} else {
			memset(p, '*', n);
		}
	}
}

/*
 * Fills d with "postgresql WHERE: WHAT: the server's first line" and
 * returns the code for it: CSTAT_EACCES for a missing privilege, else
 * CSTAT_EIO.
 */
static int
fail(struct pg *p, struct cstat_diag *d, const char *what, const PGresult *res)
{
	const char *err = res ? p->pq.resultErrorMessage(res) : "";
	const char *state =
		res ? p->pq.resultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char line[400];

	if (!*err)
		err = p->pq.errorMessage(p->conn);
	snprintf(line, sizeof(line), "%s", err);
	line[strcspn(line, "\n")] = '\0';
	if (d) {
		memset(d, 0, sizeof(*d));
		snprintf(d->message, sizeof(d->message),
			 "postgresql %.180s: %.40s: %.240s", p->where, what,
			 line);
		scrub(d->message, p->secret);
	}
	return state && strcmp(state, "42501") == 0 ? CSTAT_EACCES : CSTAT_EIO;
}

/* Fills d with a message of our own; returns rc. */
__attribute__((format(printf, 3, 4))) static int
say(struct cstat_diag *d, int rc, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		memset(d, 0, sizeof(*d));
		va_start(ap, fmt);
		vsnprintf(d->message, sizeof(d->message), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Queries. */

static PGresult *
query(struct pg *p, const char *sql, int n, const char *const *vals)
{
	return p->pq.execParams(p->conn, sql, n, NULL, vals, NULL, NULL, 0);
}

static bool
ok(const struct pg *p, const PGresult *res)
{
	ExecStatusType st = p->pq.resultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Runs sql, keeping nothing of its result. */
static int
run(struct pg *p, struct cstat_diag *d, const char *what, const char *sql,
    int n, const char *const *vals)
{
	PGresult *res = query(p, sql, n, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, what, res);

	p->pq.clear(res);
	return rc;
}

/* Runs sql for one value (at most 23 characters: ids, counts) into out;
 * out is "" when there is no row. */
static int
scalar(struct pg *p, struct cstat_diag *d, const char *what, const char *sql,
       int n, const char *const *vals, char out[24])
{
	PGresult *res = query(p, sql, n, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, what, res);

	out[0] = '\0';
	if (!rc && p->pq.ntuples(res) > 0 && !p->pq.getisnull(res, 0, 0))
		snprintf(out, 24, "%s", p->pq.getvalue(res, 0, 0));
	p->pq.clear(res);
	return rc;
}

static void
rollback(struct pg *p)
{
	p->pq.clear(p->pq.exec(p->conn, "ROLLBACK"));
}

/* Whether the last failure was one that trying again may cure (a
 * deadlock or a serialization failure between concurrent records). */
static bool
retryable(const struct pg *p, const PGresult *res)
{
	const char *state = p->pq.resultErrorField(res, PG_DIAG_SQLSTATE);
	return state &&
	       (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0);
}

/* ---------------------------------------------------------------------- */
/* Opening: connection, layout, project. */

/* The layout's version into *v: 0 when there is none yet. */
static int
schema_version(struct pg *p, struct cstat_diag *d, long *v)
{
	char out[24];
	int rc =
		scalar(p, d, "reading the schema version",
		       "SELECT to_regclass('cstat_schema_version') IS NOT NULL",
		       0, NULL, out);

	*v = 0;
	if (rc || strcmp(out, "t") != 0)
		return rc;
	rc = scalar(
		p, d, "reading the schema version",
		"SELECT coalesce(max(version), 0) FROM cstat_schema_version", 0,
		NULL, out);
	if (!rc)
		*v = strtol(out, NULL, 10);
	return rc;
}

/* Applies the migrations after version *v under the lock, in one
 * transaction, reading the version again once the lock is held. */
static int
migrate(struct pg *p, struct cstat_diag *d)
{
	long v;
	int rc = run(p, d, "migrating", "BEGIN", 0, NULL);

	rc = rc ? rc
		: run(p, d, "migrating",
		      "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", 0,
		      NULL);
	rc = rc ? rc
		: run(p, d, "migrating",
		      "CREATE TABLE IF NOT EXISTS cstat_schema_version ("
		      "  version integer PRIMARY KEY,"
		      "  applied_at timestamptz NOT NULL DEFAULT now())",
		      0, NULL);
	rc = rc ? rc : schema_version(p, d, &v);
	for (long k = v; !rc && k < (long)LATEST; k++) {
		char ver[24];
		const char *vals[1] = {ver};
		snprintf(ver, sizeof(ver), "%ld", k + 1);
		PGresult *res = p->pq.exec(p->conn, migrations[k]);
		rc = ok(p, res) ? 0 : fail(p, d, "migrating", res);
		p->pq.clear(res);
		rc = rc ? rc
			: run(p, d, "migrating",
			      "INSERT INTO cstat_schema_version (version) "
			      "VALUES ($1::integer)",
			      1, vals);
	}
	rc = rc ? rc : run(p, d, "migrating", "COMMIT", 0, NULL);
	if (rc)
		rollback(p);
	return rc;
}

/*
 * Brings the layout to LATEST, or refuses a newer one.  The common case,
 * a current layout and a known project, is one round trip: the version
 * and the project's id in one query (into p->project_id, "" when the
 * project is new); a missing version table (42P01) is version 0.
 */
static int
check_schema(struct pg *p, const char *project, struct cstat_diag *d)
{
	const char *vals[1] = {project ? project : "default"};
	PGresult *res =
		query(p,
		      "SELECT (SELECT coalesce(max(version), 0)"
		      "  FROM cstat_schema_version),"
		      " (SELECT id FROM cstat_projects WHERE name = $1)",
		      1, vals);
	const char *state = p->pq.resultErrorField(res, PG_DIAG_SQLSTATE);
	bool none = state && strcmp(state, "42P01") == 0;
	int rc = ok(p, res) || none
			 ? 0
			 : fail(p, d, "reading the schema version", res);
	long v = 0;

	p->project_id[0] = '\0';
	if (!rc && !none) {
		v = strtol(p->pq.getvalue(res, 0, 0), NULL, 10);
		if (!p->pq.getisnull(res, 0, 1))
			snprintf(p->project_id, sizeof(p->project_id), "%s",
				 p->pq.getvalue(res, 0, 1));
	}
	p->pq.clear(res);
	if (rc)
		return rc;
	if (v > (long)LATEST) {
		char have[24], know[24];
		snprintf(have, sizeof(have), "%ld", v);
		snprintf(know, sizeof(know), "%zu", LATEST);
		return say(d, CSTAT_EFORMAT,
			   "the PostgreSQL store's schema is version %s, newer "
			   "than this cbaseline knows (%s): upgrade cstat",
			   have, know);
	}
	return v < (long)LATEST ? migrate(p, d) : 0;
}

/* The project's id into p->project_id, adding the project if new. */
static int
find_project(struct pg *p, const char *project, struct cstat_diag *d)
{
	const char *vals[1] = {project ? project : "default"};
	int rc = run(p, d, "adding the project",
		     "INSERT INTO cstat_projects (name) VALUES ($1) "
		     "ON CONFLICT DO NOTHING",
		     1, vals);

	return rc ? rc
		  : scalar(p, d, "finding the project",
			   "SELECT id FROM cstat_projects WHERE name = $1", 1,
			   vals, p->project_id);
}

/* The password location gives, if any (for scrubbing messages). */
static char *
find_secret(const struct pg *p, const char *location)
{
	PQconninfoOption *opts = p->pq.conninfoParse(location, NULL);
	char *secret = NULL;

	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			secret = strdup(o->val);
	p->pq.conninfoFree(opts);
	return secret;
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void
pg_close(void *state)
{
	struct pg *p = state;

	if (!p)
		return;
	if (p->conn)
		p->pq.finish(p->conn);
	cstat__pq_unload(&p->pq);
	free(p->secret);
	free(p);
}

static int
pg_open(void **state, const char *location, const char *project,
	struct cstat_diag *d)
{
	struct pg *p = calloc(1, sizeof(*p));
	char *errmsg = NULL;
	PQconninfoOption *opts;
	char why[160];
	int rc;

	*state = NULL;
	if (!p)
		return CSTAT_ENOMEM;
	cstat_store_redact(location, p->where, sizeof(p->where));
	if (cstat__pq_load(&p->pq, why, sizeof(why))) {
		rc = say(d, CSTAT_EIO, "postgresql %.200s: %s", p->where, why);
		free(p);
		return rc;
	}
	/* libpq's own message about a malformed string may quote it. */
	opts = p->pq.conninfoParse(location, &errmsg);
	p->pq.conninfoFree(opts);
	if (!opts) {
		p->pq.freemem(errmsg);
		rc = say(d, CSTAT_EINVAL,
			 "postgresql %.200s: not a valid connection string or "
			 "URI",
			 p->where);
		pg_close(p);
		return rc;
	}
	p->secret = find_secret(p, location);
	p->conn = p->pq.connectdb(location);
	if (!p->conn) {
		pg_close(p);
		return CSTAT_ENOMEM;
	}
	if (p->pq.status(p->conn) != CONNECTION_OK) {
		rc = fail(p, d, "cannot connect", NULL);
		pg_close(p);
		return rc;
	}
	/* The migrations' notices (a table there already) are not news. */
	p->pq.setNoticeProcessor(p->conn, quiet, NULL);
	rc = check_schema(p, project, d);
	rc = rc || p->project_id[0] ? rc : find_project(p, project, d);
	if (rc) {
		pg_close(p);
		return rc;
	}
	*state = p;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Baselines. */

/* The RFC 3339 "created" of a record's text, or NULL (malloc'd). */
static char *
created_of(const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "created");
	char *out = cJSON_IsString(c) ? strdup(c->valuestring) : NULL;

	cJSON_Delete(root);
	return out;
}

static int
pg_baseline_save(void *state, const char *name, const char *text, size_t len,
		 struct cstat_diag *d)
{
	struct pg *p = state;
	char *body = strndup(text, len), *created;
	int rc;

	if (!body)
		return CSTAT_ENOMEM;
	/* Kept as the file holds it but for its final newline, which
	 * loading gives back. */
	while (len > 0 && body[len - 1] == '\n')
		body[--len] = '\0';
	created = created_of(body, len);
	const char *vals[4] = {p->project_id, name, body, created};
	rc = run(p, d, "saving a baseline",
		 "INSERT INTO cstat_baselines (project_id, name, record, "
		 "created)"
		 " VALUES ($1::bigint, $2, $3, $4::timestamptz)"
		 " ON CONFLICT (project_id, name) DO UPDATE SET"
		 " record = excluded.record, created = excluded.created,"
		 " saved_at = now()",
		 4, vals);
	free(created);
	free(body);
	return rc;
}

/* Copies the one text value of res (row 0) with a newline after it. */
static int
take_text(const struct pg *p, const PGresult *res, char **text, size_t *len)
{
	size_t n = (size_t)p->pq.getlength(res, 0, 0);

	*text = malloc(n + 2);
	if (!*text)
		return CSTAT_ENOMEM;
	memcpy(*text, p->pq.getvalue(res, 0, 0), n);
	(*text)[n] = '\n';
	(*text)[n + 1] = '\0';
	*len = n + 1;
	return 0;
}

static int
pg_baseline_load(void *state, const char *name, char **text, size_t *len,
		 struct cstat_diag *d)
{
	struct pg *p = state;
	const char *vals[2] = {p->project_id, name};
	PGresult *res = query(p,
			      "SELECT record FROM cstat_baselines"
			      " WHERE project_id = $1::bigint AND name = $2",
			      2, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, "loading a baseline", res);

	*text = NULL;
	*len = 0;
	if (!rc && p->pq.ntuples(res) == 0)
		rc = say(d, CSTAT_ENOENT, "no baseline %.200s", name);
	if (!rc)
		rc = take_text(p, res, text, len);
	p->pq.clear(res);
	return rc;
}

static int
pg_baseline_remove(void *state, const char *name, struct cstat_diag *d)
{
	struct pg *p = state;
	const char *vals[2] = {p->project_id, name};
	PGresult *res = query(p,
			      "DELETE FROM cstat_baselines"
			      " WHERE project_id = $1::bigint AND name = $2",
			      2, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, "removing a baseline", res);

	if (!rc && strcmp(p->pq.cmdTuples(res), "0") == 0)
		rc = say(d, CSTAT_ENOENT, "no baseline %.200s", name);
	p->pq.clear(res);
	return rc;
}

static int
pg_list(void *state, const char *kind, char ***names, size_t *n,
	struct cstat_diag *d)
{
	struct pg *p = state;
	const char *vals[1] = {p->project_id};
	const char *sql = strcmp(kind, "baseline") == 0
				  ? "SELECT name FROM cstat_baselines"
				    " WHERE project_id = $1::bigint"
				    " ORDER BY name COLLATE \"C\""
				  : "SELECT name FROM cstat_histories"
				    " WHERE project_id = $1::bigint"
				    " ORDER BY name COLLATE \"C\"";
	PGresult *res = query(p, sql, 1, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, "listing", res);
	size_t rows = rc ? 0 : (size_t)p->pq.ntuples(res);

	*names = NULL;
	*n = 0;
	if (!rc && !(*names = calloc(rows + 1, sizeof(**names))))
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; !rc && i < rows; i++) {
		(*names)[i] = strdup(p->pq.getvalue(res, (int)i, 0));
		if (!(*names)[i])
			rc = CSTAT_ENOMEM;
		else
			*n = i + 1;
	}
	p->pq.clear(res);
	if (rc && *names) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

/* Entry e (kind and name set) described from its record text[0..len):
 * a baseline's values, "created" and "commit", or a history's last run's
 * "created", as list reads them from the files. */
static int
describe_record(struct cstat_store_entry *e, const char *text, size_t len)
{
	bool base = strcmp(e->kind, "baseline") == 0;
	struct cstat_diag d;
	cstat_run **runs = NULL, *r = NULL;
	size_t nr = 0;
	const char *c;

	memset(&d, 0, sizeof(d));
	int rc = base ? cstat__store_parse(text, len, e->name, 1, &r, &d)
		      : cstat__history_parse(text, len, e->name, &runs, &nr,
					     NULL, NULL, &d);
	if (!base && !rc && nr)
		r = runs[nr - 1];
	if (rc == CSTAT_ENOMEM)
		return rc;
	if (rc)
		return (e->error = strdup(d.message)) ? 0 : CSTAT_ENOMEM;
	if (base)
		e->count = cstat_run_count(r);
	if ((c = cstat_run_get(r, "created")) != NULL &&
	    !(e->created = strdup(c)))
		rc = CSTAT_ENOMEM;
	if (base && !rc && (c = cstat_run_get(r, "commit")) != NULL &&
	    !(e->commit = strdup(c)))
		rc = CSTAT_ENOMEM;
	if (base)
		cstat_run_free(r);
	else
		cstat_history_free(runs, nr);
	return rc;
}

/*
 * Every baseline or history in one statement: a baseline's record, a
 * history's count of runs and its last run's record (an index scan each,
 * so list reads a few rows, not the runs).  Only the last run's "created"
 * of a history shows in the list.
 */
static int
pg_describe(void *state, const char *kind, struct cstat_store_entry **e,
	    size_t *n, struct cstat_diag *d)
{
	struct pg *p = state;
	bool base = strcmp(kind, "baseline") == 0;
	const char *vals[1] = {p->project_id};
	PGresult *res = query(
		p,
		base ? "SELECT name, 0, record FROM cstat_baselines"
		       " WHERE project_id = $1::bigint"
		       " ORDER BY name COLLATE \"C\""
		     : "SELECT h.name,"
		       " (SELECT count(*) FROM cstat_runs r"
		       "   WHERE r.history_id = h.id),"
		       " (SELECT r.record FROM cstat_runs r"
		       "   WHERE r.history_id = h.id"
		       "   ORDER BY r.seq DESC LIMIT 1)"
		       " FROM cstat_histories h WHERE h.project_id = $1::bigint"
		       " ORDER BY h.name COLLATE \"C\"",
		1, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, "listing", res);
	size_t rows = rc ? 0 : (size_t)p->pq.ntuples(res);

	*e = NULL;
	*n = 0;
	if (!rc && !(*e = calloc(rows + 1, sizeof(**e))))
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; !rc && i < rows; i++) {
		struct cstat_store_entry *x = &(*e)[i];
		int row = (int)i;
		*n = i + 1;
		x->kind = base ? "baseline" : "history";
		if (!(x->name = strdup(p->pq.getvalue(res, row, 0)))) {
			rc = CSTAT_ENOMEM;
			break;
		}
		if (!base)
			x->count = (size_t)strtoull(p->pq.getvalue(res, row, 1),
						    NULL, 10);
		if (!p->pq.getisnull(res, row, 2))
			rc = describe_record(
				x, p->pq.getvalue(res, row, 2),
				(size_t)p->pq.getlength(res, row, 2));
	}
	p->pq.clear(res);
	if (rc) {
		cstat_store_entries_free(*e, *n);
		*e = NULL;
		*n = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Histories. */

/* The id of history name into id, adding it when add is true ("" when
 * there is none). */
static int
find_history(struct pg *p, const char *name, bool add, char id[24],
	     struct cstat_diag *d)
{
	const char *vals[2] = {p->project_id, name};
	int rc = 0;

	if (add)
		rc = run(p, d, "adding a history",
			 "INSERT INTO cstat_histories (project_id, name)"
			 " VALUES ($1::bigint, $2) ON CONFLICT DO NOTHING",
			 2, vals);
	return rc ? rc
		  : scalar(p, d, "finding a history",
			   "SELECT id FROM cstat_histories"
			   " WHERE project_id = $1::bigint AND name = $2",
			   2, vals, id);
}

/* What a record line holds for the tables beside it: its id, creation
 * time, metadata (the record without its groups) and series. */
struct parsed {
	const char *id, *created;
	char *metadata; /* JSON */
	/* The series as PostgreSQL arrays in binary, one element each:
	 * name, unit, configuration (the group's "config" as JSON), count
	 * of values, Unit metadata (JSON); and every value, in that order;
	 * their counts. */
	struct cstat__ostream name, unit, config, n, meta, vals;
	uint32_t series, values;
	/* The last series' unit and its metadata's text: a record's series
	 * mostly share a unit, whose metadata is then printed once. */
	const char *last_unit;
	char *last_meta;
};

static void
parsed_free(struct parsed *r)
{
	free(r->metadata);
	free(r->last_meta);
	cstat__os_release(&r->name);
	cstat__os_release(&r->unit);
	cstat__os_release(&r->config);
	cstat__os_release(&r->n);
	cstat__os_release(&r->meta);
	cstat__os_release(&r->vals);
}

/* The metadata of unit (its "units" entries but the unit) as an object. */
static cJSON *
unit_meta(const cJSON *units, const char *unit)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *u, *kv;

	cJSON_ArrayForEach(u, units)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(u, "unit");
		if (!o || !cJSON_IsString(name) ||
		    strcmp(name->valuestring, unit) != 0)
			continue;
		cJSON_ArrayForEach(kv, u) if (strcmp(kv->string, "unit") != 0)
			cJSON_AddItemToObject(o, kv->string,
					      cJSON_Duplicate(kv, true));
	}
	return o;
}

/*
 * The series' arrays go to the server in binary (array_recv(): one
 * dimension, no NULLs, then each element's length and bytes): it copies
 * text and reads each number's 8 bytes instead of unquoting 500
 * configurations and parsing 2,500 decimals, and the client prints
 * nothing (docs/performance.md "Record, fourth pass").  The element
 * types' OIDs (pg_type.dat; libpq has no header for them):
 */
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT8 701
#define OID_JSONB 3802
#define OID_INT4_ARRAY 1007
#define OID_TEXT_ARRAY 1009
#define OID_FLOAT8_ARRAY 1022
#define OID_JSONB_ARRAY 3807

/* v in network byte order. */
static void
put_u32(struct cstat__ostream *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24),
			      (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			      (unsigned char)v};
	cstat__os_add(o, b, 4);
}

/* Starts an array of elem (an OID) at o; array_end() sets its count. */
static void
array_begin(struct cstat__ostream *o, uint32_t elem)
{
	put_u32(o, 1); /* dimensions */
	put_u32(o, 0); /* no NULLs */
	put_u32(o, elem);
	put_u32(o, 0); /* the count, set by array_end() */
	put_u32(o, 1); /* the lower bound */
}

/* Adds an element of len bytes (after prefix, a byte, if not 0). */
static void
array_elem(struct cstat__ostream *o, int prefix, const char *p, size_t len)
{
	put_u32(o, (uint32_t)(len + (prefix != 0)));
	if (prefix)
		cstat__os_addc(o, (char)prefix);
	cstat__os_add(o, p, len);
}

/* Writes the count of array o; one of none has no dimension. */
static void
array_end(struct cstat__ostream *o, uint32_t count)
{
	unsigned char *h = (unsigned char *)o->data;

	if (o->err || o->len < 20)
		return;
	if (count == 0) {
		memset(h, 0, 4);
		o->len = 12;
		return;
	}
	for (int k = 0; k < 4; k++)
		h[12 + k] = (unsigned char)(count >> (24 - 8 * k));
}

/* Adds the numbers vals to array o, each as its 8 bytes (the very
 * double, whatever it is); their count is *n.  @return false for
 * anything but numbers. */
static bool
elem_vals(struct cstat__ostream *o, const cJSON *vals, int *n)
{
	const cJSON *v;

	*n = 0;
	cJSON_ArrayForEach(v, vals)
	{
		uint64_t bits;
		if (!cJSON_IsNumber(v))
			return false;
		memcpy(&bits, &v->valuedouble, sizeof(bits));
		put_u32(o, 8);
		put_u32(o, (uint32_t)(bits >> 32));
		put_u32(o, (uint32_t)bits);
		++*n;
	}
	return true;
}

/* The text of unit's metadata (unit_meta()), printed once for a run of
 * series of one unit; owned by r. */
static const char *
unit_meta_text(struct parsed *r, const cJSON *root, const char *unit)
{
	if (r->last_meta && strcmp(r->last_unit, unit) == 0)
		return r->last_meta;
	free(r->last_meta);
	cJSON *meta = unit_meta(cJSON_GetObjectItemCaseSensitive(root, "units"),
				unit);
	r->last_meta = meta ? cJSON_PrintUnformatted(meta) : NULL;
	r->last_unit = unit;
	cJSON_Delete(meta);
	return r->last_meta;
}

/* One series of a record: benchmark b's unit u in a group of config. */
static bool
add_series(struct parsed *r, const cJSON *root, const char *config,
	   const cJSON *b, const cJSON *u)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(u, "unit");
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(u, "values");
	int n;

	if (!cJSON_IsString(name) || !cJSON_IsString(unit) ||
	    !cJSON_IsArray(vals) || !elem_vals(&r->vals, vals, &n))
		return false;
	const char *mtext = unit_meta_text(r, root, unit->valuestring);
	if (!mtext)
		return false;
	array_elem(&r->name, 0, name->valuestring, strlen(name->valuestring));
	array_elem(&r->unit, 0, unit->valuestring, strlen(unit->valuestring));
	array_elem(&r->config, 0, config, strlen(config));
	/* jsonb's binary form: its version, 1, and the text. */
	array_elem(&r->meta, 1, mtext, strlen(mtext));
	put_u32(&r->n, 4);
	put_u32(&r->n, (uint32_t)n);
	r->series++;
	r->values += (uint32_t)n;
	return true;
}

/* The series of every group of root into r's arrays. */
static bool
series_arrays(const cJSON *root, struct parsed *r)
{
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(root, "groups");
	struct cstat__ostream *arrays[] = {&r->name, &r->unit, &r->config,
					   &r->n,    &r->meta, &r->vals};
	static const uint32_t elems[] = {OID_TEXT, OID_TEXT,  OID_TEXT,
					 OID_INT4, OID_JSONB, OID_FLOAT8};
	const cJSON *g, *b, *u;
	bool good = true;

	for (size_t i = 0; i < 6; i++)
		array_begin(arrays[i], elems[i]);
	cJSON_ArrayForEach(g, groups)
	{
		const cJSON *conf =
			cJSON_GetObjectItemCaseSensitive(g, "config");
		char *config = conf ? cJSON_PrintUnformatted(conf) : NULL;
		good = good && config;
		const cJSON *benches =
			cJSON_GetObjectItemCaseSensitive(g, "benchmarks");
		cJSON_ArrayForEach(b, benches)
		{
			const cJSON *units =
				cJSON_GetObjectItemCaseSensitive(b, "units");
			cJSON_ArrayForEach(u, units) good =
				good && add_series(r, root, config, b, u);
		}
		free(config);
	}
	for (size_t i = 0; i < 6; i++) {
		array_end(arrays[i], i == 5 ? r->values : r->series);
		good = good && !arrays[i]->err;
	}
	return good;
}

/* Reads what the tables need from the record line (parsed keeps
 * pointers into root). */
static int
parse_record(cJSON *root, struct parsed *r, struct cstat_diag *d)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	const cJSON *created =
		cJSON_GetObjectItemCaseSensitive(root, "created");

	memset(r, 0, sizeof(*r));
	/* The file store's words for a newer schema (store-json.c). */
	if (cJSON_IsString(schema) &&
	    strncmp(schema->valuestring, "cstat-run/", 10) == 0 &&
	    strcmp(schema->valuestring, "cstat-run/1") != 0)
		return say(d, CSTAT_EFORMAT,
			   "schema \"%.40s\" is from a newer cstat (this one "
			   "reads cstat-run/1)",
			   schema->valuestring);
	if (!cJSON_IsString(schema) ||
	    strcmp(schema->valuestring, "cstat-run/1") != 0)
		return say(d, CSTAT_EFORMAT, "not a cstat-run/1 record");
	r->id = cJSON_IsString(id) ? id->valuestring : NULL;
	r->created = cJSON_IsString(created) ? created->valuestring : NULL;
	if (!series_arrays(root, r))
		return say(d, CSTAT_EFORMAT,
			   "a record's groups are not those "
			   "of a cstat-run/1 record");
	cJSON *groups = cJSON_DetachItemFromObjectCaseSensitive(root, "groups");
	r->metadata = cJSON_PrintUnformatted(root);
	cJSON_AddItemToObject(root, "groups", groups);
	return r->metadata ? 0 : CSTAT_ENOMEM;
}

/*
 * Inserts record line into history name (added if new) in one statement
 * (cstat_record(), migration 3; its arrays since 4, its body since 5): the run
 * (nothing when its id is there: *added false), its series and values.  A
 * record without an id (written before ids) is known by the SHA-256 of its
 * bytes.  *res is the failed statement's result for the caller to judge (retry
 * or not), or NULL.
 */
static int
insert_record(struct pg *p, const char *name, const char *line, bool *added,
	      PGresult **res, struct cstat_diag *d)
{
	cJSON *root = cJSON_Parse(line);
	struct parsed r;
	int rc;

	*res = NULL;
	*added = false;
	if (!root)
		return say(d, CSTAT_EFORMAT, "a record is not JSON");
	rc = parse_record(root, &r, d);
	if (!rc) {
		const char *vals[12] = {
			p->project_id, name,	 r.id,	      r.created,
			r.metadata,    line,	 r.name.data, r.unit.data,
			r.config.data, r.n.data, r.vals.data, r.meta.data};
		/* The first six as text, the arrays in binary. */
		const Oid types[12] = {0,
				       0,
				       0,
				       0,
				       0,
				       0,
				       OID_TEXT_ARRAY,
				       OID_TEXT_ARRAY,
				       OID_TEXT_ARRAY,
				       OID_INT4_ARRAY,
				       OID_FLOAT8_ARRAY,
				       OID_JSONB_ARRAY};
		const int lens[12] = {0,
				      0,
				      0,
				      0,
				      0,
				      0,
				      (int)r.name.len,
				      (int)r.unit.len,
				      (int)r.config.len,
				      (int)r.n.len,
				      (int)r.vals.len,
				      (int)r.meta.len};
		const int formats[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
		*res = p->pq.execParams(
			p->conn,
			"SELECT cstat_record($1::bigint, $2, $3,"
			" $4::timestamptz, $5::jsonb, $6, $7::text[],"
			" $8::text[], $9::text[], $10::int[],"
			" $11::float8[], $12::jsonb[])",
			12, types, vals, lens, formats, 0);
		rc = ok(p, *res) ? 0 : fail(p, d, "recording a run", *res);
		*added = !rc && p->pq.ntuples(*res) == 1 &&
			 strcmp(p->pq.getvalue(*res, 0, 0), "t") == 0;
		if (!rc) {
			p->pq.clear(*res);
			*res = NULL;
		}
	}
	parsed_free(&r);
	cJSON_Delete(root);
	return rc;
}

/* Tries a transaction of f again (up to 5 times) when it failed on a
 * deadlock or serialization failure with a concurrent writer. */
static int
transaction(struct pg *p, struct cstat_diag *d,
	    int (*f)(struct pg *p, void *ctx, PGresult **res,
		     struct cstat_diag *d),
	    void *ctx)
{
	int rc = 0;

	for (int attempt = 0; attempt < 5; attempt++) {
		PGresult *res = NULL;
		rc = run(p, d, "beginning a transaction", "BEGIN", 0, NULL);
		if (rc)
			return rc;
		rc = f(p, ctx, &res, d);
		if (!rc) {
			rc = run(p, d, "committing", "COMMIT", 0, NULL);
			p->pq.clear(res);
			return rc;
		}
		bool again = res && retryable(p, res);
		p->pq.clear(res);
		rollback(p);
		if (!again)
			break;
	}
	return rc;
}

static int
pg_history_append(void *state, const char *name, const char *line, size_t len,
		  bool *added, struct cstat_diag *d)
{
	struct pg *p = state;
	bool was_added = false;
	char *text;
	int rc = 0;

	while (len > 0 && line[len - 1] == '\n')
		len--;
	/* One record is one line of the history's bytes. */
	if (memchr(line, '\n', len))
		return say(d, CSTAT_EFORMAT, "a record of more than one line");
	if (!(text = strndup(line, len)))
		return CSTAT_ENOMEM;
	/* One statement is one transaction: no BEGIN and COMMIT round
	 * trips.  A deadlock with a concurrent record is tried again. */
	for (int attempt = 0; attempt < 5; attempt++) {
		PGresult *res = NULL;
		rc = insert_record(p, name, text, &was_added, &res, d);
		bool again = res && retryable(p, res);
		p->pq.clear(res);
		if (!again)
			break;
	}
	if (added)
		*added = !rc && was_added;
	free(text);
	return rc;
}

/* The rows of res (one text column) as lines: each and a newline. */
static int
take_lines(const struct pg *p, PGresult *res, char **bytes, size_t *len)
{
	int rows = p->pq.ntuples(res);
	size_t total = 0, at = 0;

	for (int i = 0; i < rows; i++)
		total += (size_t)p->pq.getlength(res, i, 0) + 1;
	*bytes = malloc(total + 1);
	if (!*bytes)
		return CSTAT_ENOMEM;
	for (int i = 0; i < rows; i++) {
		size_t n = (size_t)p->pq.getlength(res, i, 0);
		memcpy(*bytes + at, p->pq.getvalue(res, i, 0), n);
		at += n;
		(*bytes)[at++] = '\n';
	}
	(*bytes)[at] = '\0';
	*len = at;
	return 0;
}

/* Appends the rows of res (one text column) to b, each as a line. */
static int
add_lines(const struct pg *p, const PGresult *res, struct cstat__buf *b)
{
	int rows = p->pq.ntuples(res), rc = 0;

	for (int i = 0; !rc && i < rows; i++) {
		rc = cstat__buf_add(b, p->pq.getvalue(res, i, 0),
				    (size_t)p->pq.getlength(res, i, 0));
		if (!rc)
			rc = cstat__buf_addc(b, '\n');
	}
	return rc;
}

/*
 * The rows of query sql (its n parameters vals), each a line of b, taken
 * one at a time (single-row mode), each row's result freed once copied:
 * the records are held once, in b, rather than once in libpq's result
 * and again in b (a whole history is hundreds of MB).  Reads every
 * result up to the end, so the connection can take the next statement
 * whatever happened; b is released on an error.
 */
static int
query_lines(struct pg *p, const char *sql, int n, const char *const *vals,
	    struct cstat__buf *b, struct cstat_diag *d)
{
	int rc = 0;
	PGresult *res;

	if (!p->pq.sendQueryParams(p->conn, sql, n, NULL, vals, NULL, NULL, 0))
		return fail(p, d, "reading a history", NULL);
	/* Refused only after a first result: then the rows come whole. */
	(void)p->pq.setSingleRowMode(p->conn);
	while ((res = p->pq.getResult(p->conn)) != NULL) {
		ExecStatusType st = p->pq.resultStatus(res);
		if (!rc && (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK))
			rc = add_lines(p, res, b);
		else if (!rc)
			rc = fail(p, d, "reading a history", res);
		p->pq.clear(res);
	}
	/* A connection lost mid-read may end without an error result. */
	if (!rc && p->pq.status(p->conn) != CONNECTION_OK)
		rc = fail(p, d, "reading a history", NULL);
	if (!rc)
		rc = cstat__buf_add(b, "", 0); /* "" for no run */
	if (rc)
		cstat__buf_release(b);
	return rc;
}

/*
 * The records sql selects (one column, in order; its parameters: the id
 * of history name, then limit unless NULL) into *bytes, a line each.  One
 * statement, so one snapshot: a concurrent merge or prune is seen whole
 * or not at all, and a role that may only SELECT reads it.
 */
static int
history_records(struct pg *p, const char *name, const char *sql,
		const char *limit, char **bytes, size_t *len,
		struct cstat_diag *d)
{
	struct cstat__buf b = {0};
	const char *vals[2];
	char hid[24];
	int rc = find_history(p, name, false, hid, d);

	*bytes = NULL;
	*len = 0;
	if (rc)
		return rc;
	if (!*hid)
		return say(d, CSTAT_ENOENT, "no history %.200s", name);
	vals[0] = hid;
	vals[1] = limit;
	rc = query_lines(p, sql, limit ? 2 : 1, vals, &b, d);
	if (rc)
		return rc;
	*bytes = b.data;
	*len = b.len;
	return 0;
}

static int
pg_history_read(void *state, const char *name, char **bytes, size_t *len,
		struct cstat_diag *d)
{
	return history_records(state, name,
			       "SELECT record FROM cstat_runs"
			       " WHERE history_id = $1::bigint ORDER BY seq",
			       NULL, bytes, len, d);
}

/*
 * The last keep runs, oldest first: the newest keep by the index on
 * (history_id, seq DESC), so a history of 10,000 runs costs the rows
 * read, not the history.
 */
static int
pg_history_tail(void *state, const char *name, size_t keep, char **bytes,
		size_t *len, struct cstat_diag *d)
{
	char lim[32];

	snprintf(lim, sizeof(lim), "%zu", keep);
	return history_records(state, name,
			       "SELECT record FROM (SELECT seq, record"
			       " FROM cstat_runs WHERE history_id = $1::bigint"
			       " ORDER BY seq DESC LIMIT $2::bigint) r"
			       " ORDER BY seq",
			       lim, bytes, len, d);
}

/*
 * What history name holds, in one statement: the database's oid (a
 * database made again at the same address has another), the history's
 * row, its number of runs, its lowest and highest sequence numbers and
 * the md5 of those two runs' records (the index on (history_id, seq)
 * finds each).  A run's seq is taken when it is inserted, so a run
 * recorded later has a higher one; a prune or a merge's rewrite deletes
 * runs (and a rewrite inserts them anew, higher), which changes the
 * count, the lowest seq or the first run.
 */
static int
pg_history_ident(void *state, const char *name, struct cstat__store_ident *id,
		 struct cstat_diag *d)
{
	struct pg *p = state;
	const char *vals[2] = {p->project_id, name};
	PGresult *res = query(
		p,
		"SELECT (SELECT oid FROM pg_database"
		"  WHERE datname = current_database()),"
		" h.id, c.n, coalesce(c.lo, 0), coalesce(c.hi, 0),"
		" coalesce((SELECT md5(record) FROM cstat_runs"
		"  WHERE history_id = h.id ORDER BY seq LIMIT 1), ''),"
		" coalesce((SELECT md5(record) FROM cstat_runs"
		"  WHERE history_id = h.id ORDER BY seq DESC LIMIT 1), '')"
		" FROM cstat_histories h CROSS JOIN LATERAL"
		" (SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi"
		"  FROM cstat_runs WHERE history_id = h.id) c"
		" WHERE h.project_id = $1::bigint AND h.name = $2",
		2, vals);
	int rc = ok(p, res) ? 0 : fail(p, d, "reading a history", res);

	memset(id, 0, sizeof(*id));
	if (!rc && p->pq.ntuples(res) == 0)
		rc = say(d, CSTAT_ENOENT, "no history %.200s", name);
	if (!rc) {
		snprintf(id->store, sizeof(id->store), "%s",
			 p->pq.getvalue(res, 0, 0));
		snprintf(id->history, sizeof(id->history), "%s",
			 p->pq.getvalue(res, 0, 1));
		id->runs = strtoll(p->pq.getvalue(res, 0, 2), NULL, 10);
		id->first = strtoll(p->pq.getvalue(res, 0, 3), NULL, 10);
		id->last = strtoll(p->pq.getvalue(res, 0, 4), NULL, 10);
		snprintf(id->first_hash, sizeof(id->first_hash), "%s",
			 p->pq.getvalue(res, 0, 5));
		snprintf(id->last_hash, sizeof(id->last_hash), "%s",
			 p->pq.getvalue(res, 0, 6));
	}
	p->pq.clear(res);
	return rc;
}

/* The records of history id->history with seq in (after, id->last],
 * streamed as history_records() streams them. */
static int
pg_history_range(void *state, const struct cstat__store_ident *id,
		 int64_t after, char **bytes, size_t *len, size_t *runs,
		 struct cstat_diag *d)
{
	struct pg *p = state;
	struct cstat__buf b = {0};
	char lo[24], hi[24];
	const char *vals[3] = {id->history, lo, hi};
	int rc;

	*bytes = NULL;
	*len = 0;
	*runs = 0;
	snprintf(lo, sizeof(lo), "%lld", (long long)after);
	snprintf(hi, sizeof(hi), "%lld", (long long)id->last);
	rc = query_lines(p,
			 "SELECT record FROM cstat_runs"
			 " WHERE history_id = $1::bigint"
			 " AND seq > $2::bigint AND seq <= $3::bigint"
			 " ORDER BY seq",
			 3, vals, &b, d);
	if (rc)
		return rc;
	for (const char *q = b.data, *end = b.data + b.len;
	     q && (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		++*runs;
	*bytes = b.data;
	*len = b.len;
	return 0;
}

/* A big-endian integer of n bytes at p (libpq's binary format). */
static uint64_t
be(const char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

/*
 * Adds the values of a float8[] in binary (ndim, flags, element type,
 * then per dimension its size and lower bound, then per element its
 * length and 8 bytes) as JSON numbers, each the shortest text that reads
 * back the same double.  @return false for anything but a flat array
 * without NULLs.
 */
static bool
add_vals(struct cstat__ostream *o, const char *p, size_t len)
{
	if (len < 12 || be(p, 4) > 1)
		return false;
	size_t n = be(p, 4) == 1 && len >= 20 ? (size_t)be(p + 12, 4) : 0;
	const char *e = p + 12 + 8 * be(p, 4);

	if ((size_t)(e - p) + 12 * n != len)
		return false;
	for (size_t i = 0; i < n; i++, e += 12) {
		uint64_t bits = be(e + 4, 8);
		double v;
		if (be(e, 4) != 8)
			return false;
		memcpy(&v, &bits, sizeof(v));
		if (i)
			cstat__os_addc(o, ',');
		cstat__os_go_float(o, v);
	}
	return true;
}

/* Series k of a benchmark: its configuration (the result's text), name
 * and unit (as JSON strings), which series before it has the same
 * configuration and name (cfg, nm: the first such index), and where its
 * values start and end in the rows of the values' result by series, then
 * run (struct row). */
struct one {
	const char *config;
	const char *rname, *runit; /* the result's text */
	char *name, *unit;
	size_t cfg, nm;
	size_t at, end;
};

/* A row of the values' result: its series index, run and row number. */
struct row {
	uint64_t k, seq;
	int row;
};

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* text as a JSON string (malloc'd), or NULL. */
static char *
json_str(const char *text)
{
	struct cstat__ostream o = {0};

	cstat__os_json_str(&o, text, strlen(text));
	cstat__os_put(&o, "", 1);
	if (o.err) {
		cstat__os_release(&o);
		return NULL;
	}
	return o.data;
}

/* Fills the[0..k) from the series rows of res (id, name, unit, config).
 * @return false when out of memory. */
static bool
series_of(const struct pg *p, const PGresult *res, struct one *the, size_t k)
{
	for (size_t s = 0; s < k; s++) {
		struct one *w = &the[s];
		const char *name = p->pq.getvalue(res, (int)s, 1);
		w->rname = name;
		w->runit = p->pq.getvalue(res, (int)s, 2);
		w->config = p->pq.getvalue(res, (int)s, 3);
		w->name = json_str(name);
		w->unit = json_str(p->pq.getvalue(res, (int)s, 2));
		if (!w->name || !w->unit)
			return false;
		w->cfg = w->nm = s;
		for (size_t j = 0; j < s; j++) {
			if (w->cfg == s &&
			    strcmp(the[j].config, w->config) == 0)
				w->cfg = j;
			if (w->nm == s &&
			    strcmp(p->pq.getvalue(res, (int)j, 1), name) == 0)
				w->nm = j;
		}
	}
	return true;
}

/* Opens a group of w's configuration (open) or w's benchmark in it. */
static void
open_bench(struct cstat__ostream *o, const struct one *w, bool group)
{
	if (group) {
		cstat__os_adds(o, "{\"config\":");
		cstat__os_adds(o, w->config);
		cstat__os_adds(o, ",\"benchmarks\":[");
	}
	cstat__os_adds(o, "{\"name\":");
	cstat__os_adds(o, w->name);
	cstat__os_adds(o, ",\"units\":[");
}

/*
 * Writes a record per row of runs (seq, metadata without its closing
 * brace; binary) to o: the metadata and the series of the[k] whose next
 * row of vals (series index, run, float8[]; binary) is that run's, in
 * series order, as a record holds them: series next to each other with
 * one configuration in one group, and with one name in one benchmark
 * (the reader then parses each configuration once a group, not once a
 * series).
 */
static bool
join_runs(const struct pg *p, const PGresult *runs, const PGresult *vals,
	  const struct row *rows_of, struct one *the, size_t k,
	  struct cstat__ostream *o)
{
	int rows = p->pq.ntuples(runs);

	for (int i = 0; i < rows; i++) {
		uint64_t seq = be(p->pq.getvalue(runs, i, 0), 8);
		const struct one *prev = NULL;
		cstat__os_add(o, p->pq.getvalue(runs, i, 1),
			      (size_t)p->pq.getlength(runs, i, 1));
		cstat__os_adds(o, ",\"groups\":[");
		for (size_t s = 0; s < k; s++) {
			struct one *w = &the[s];
			if (w->at >= w->end || rows_of[w->at].seq != seq)
				continue;
			int r = rows_of[w->at].row;
			if (!prev) {
				open_bench(o, w, true);
			} else if (prev->cfg != w->cfg) {
				cstat__os_adds(o, "]}]},");
				open_bench(o, w, true);
			} else if (prev->nm != w->nm) {
				cstat__os_adds(o, "]},");
				open_bench(o, w, false);
			} else {
				cstat__os_addc(o, ',');
			}
			cstat__os_adds(o, "{\"unit\":");
			cstat__os_adds(o, w->unit);
			cstat__os_adds(o, ",\"values\":[");
			if (!add_vals(o, p->pq.getvalue(vals, r, 2),
				      (size_t)p->pq.getlength(vals, r, 2)))
				return false;
			cstat__os_adds(o, "]}");
			prev = w;
			w->at++;
		}
		cstat__os_adds(o, prev ? "]}]}]}\n" : "]}\n");
	}
	return o->err == 0;
}

/*
 * The rows of vals (series index, run, values) by series, then run, and
 * each series' stretch of them in the[0..k).  The server hands them back
 * in that order already (series after series, each by its index); they
 * are sorted here only if not, which costs less than a sort on the
 * server every time.  NULL when out of memory.
 */
static struct row *
order_vals(const struct pg *p, const PGresult *vals, struct one *the, size_t k)
{
	int rows = p->pq.ntuples(vals);
	struct row *r = malloc(((size_t)rows + 1) * sizeof(*r));
	bool sorted = true;
	size_t at = 0;

	if (!r)
		return NULL;
	for (int i = 0; i < rows; i++) {
		r[i] = (struct row){be(p->pq.getvalue(vals, i, 0), 8),
				    be(p->pq.getvalue(vals, i, 1), 8), i};
		sorted = sorted && (i == 0 || row_cmp(&r[i - 1], &r[i]) < 0);
	}
	if (!sorted)
		qsort(r, (size_t)rows, sizeof(*r), row_cmp);
	for (size_t s = 0; s < k; s++) {
		the[s].at = at;
		while (at < (size_t)rows && r[at].k == s + 1)
			at++;
		the[s].end = at;
	}
	return r;
}

/* The ids of series rows of res as a PostgreSQL array literal. */
static char *
id_array(const struct pg *p, const PGresult *res)
{
	struct cstat__ostream o = {0};
	int rows = p->pq.ntuples(res);

	cstat__os_addc(&o, '{');
	for (int i = 0; i < rows; i++) {
		cstat__os_adds(&o, i ? "," : "");
		cstat__os_adds(&o, p->pq.getvalue(res, i, 0));
	}
	cstat__os_put(&o, "}", 2); /* and its NUL */
	if (o.err) {
		cstat__os_release(&o);
		return NULL;
	}
	return o.data;
}

/* Runs sql with vals in binary results (libpq's resultFormat 1). */
static PGresult *
query_binary(struct pg *p, const char *sql, int n, const char *const *vals)
{
	return p->pq.execParams(p->conn, sql, n, NULL, vals, NULL, NULL, 1);
}

/* ---------------------------------------------------------------------- */
/* One benchmark's tables, built from the binary values. */

/* Series k's configuration as pairs, parsed once from its JSON text
 * ([["key","value"],...]); the strings are cJSON's (root). */
struct conf {
	cJSON *root;
	struct cstat_config *pairs;
	size_t n;
	char *text; /* "key: value\n" lines, as the reader compares them */
	size_t text_len;
	size_t tid; /* the first series whose text is the same */
};

static bool
conf_parse(struct conf *c, const char *json)
{
	const cJSON *kv;
	size_t i = 0;

	c->root = cJSON_Parse(json);
	c->n = (size_t)cJSON_GetArraySize(c->root);
	c->pairs = calloc(c->n + 1, sizeof(*c->pairs));
	if (!c->root || !cJSON_IsArray(c->root) || !c->pairs)
		return false;
	cJSON_ArrayForEach(kv, c->root)
	{
		const cJSON *k = cJSON_GetArrayItem(kv, 0);
		const cJSON *v = cJSON_GetArrayItem(kv, 1);
		if (cJSON_GetArraySize(kv) != 2 || !cJSON_IsString(k) ||
		    !cJSON_IsString(v))
			return false;
		c->pairs[i++] =
			(struct cstat_config){k->valuestring, v->valuestring};
	}
	struct cstat__buf b = {0};
	for (size_t j = 0; j < c->n; j++)
		if (cstat__buf_printf(&b, "%s: %s\n", c->pairs[j].key,
				      c->pairs[j].value)) {
			cstat__buf_release(&b);
			return false;
		}
	/* NUL-ended, also when empty. */
	if (cstat__buf_reserve(&b, 1)) {
		cstat__buf_release(&b);
		return false;
	}
	b.data[b.len] = '\0';
	c->text = b.data;
	c->text_len = b.len;
	return true;
}

/* The run of a row of runs (seq, metadata without its closing brace):
 * its metadata as the reader takes it from a record without results. */
static int
meta_run(const struct pg *p, const PGresult *runs, int i, struct cstat__buf *b,
	 cstat_run **run, struct cstat_diag *d)
{
	b->len = 0;
	if (cstat__buf_add(b, p->pq.getvalue(runs, i, 1),
			   (size_t)p->pq.getlength(runs, i, 1)) ||
	    cstat__buf_printf(b, ",\"groups\":[]}"))
		return CSTAT_ENOMEM;
	size_t len = b->len;
	int rc = cstat__run_parse_small(b->data, len, run);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	/* Not one the small parser takes on: the full reader (the buffer
	 * was changed in place: make it again). */
	b->len = 0;
	if (cstat__buf_add(b, p->pq.getvalue(runs, i, 1),
			   (size_t)p->pq.getlength(runs, i, 1)) ||
	    cstat__buf_printf(b, ",\"groups\":[]}"))
		return CSTAT_ENOMEM;
	return cstat__run_parse(b->data, b->len, "", 0, run, d);
}

/* What building a benchmark's tables holds. */
struct build {
	const struct pg *p;
	const PGresult *runs, *ser;
	struct fetch *fx;      /* the values, fetched by chunks of runs */
	const struct chunk *f; /* the one of the run being built */
	struct one *the;
	struct conf *conf;
	size_t k;
	cstat_builder *b;
	cstat_reader *rd;
	cstat_run **out; /* every run's metadata, parsed before */
	size_t n;
	unsigned long version;
	/* One run's series (indexes into the[]) and their rows of vals
	 * (the chunk's lists); stamps of configurations and names seen in
	 * it (by generation). */
	const size_t *pres;
	const int *prow;
	uint64_t *cfg_seen, *nm_seen, gen;
	/* One benchmark's values: per unit, where they start and how many. */
	size_t *v0, *nv, v0cap, nvcap, cvcap, ddcap;
	struct cstat_value *cv;
	double *dd; /* one sample index's values alone */
};

/* Each series' values by the covering index, series after series: in
 * order already (order_vals() checks); VALS_SQL all of them, VALS_RANGE
 * those of the runs whose seq is in [$2, $3). */
#define VALS_FROM                                                              \
	"SELECT s.k, v.run_seq, v.vals"                                        \
	" FROM unnest($1::bigint[])"                                           \
	"  WITH ORDINALITY AS s(id, k),"                                       \
	" LATERAL (SELECT run_seq, vals"                                       \
	"  FROM cstat_values WHERE series_id = s.id"
#define VALS_SQL VALS_FROM " ORDER BY run_seq) v"
#define VALS_RANGE                                                             \
	VALS_FROM " AND run_seq >= $2::bigint AND run_seq < $3::bigint"        \
		  " ORDER BY run_seq) v"
/* Every series' values of a stretch of runs, by the runs' index: they
 * come run after run, each run's rows next to each other in the heap
 * (written by one statement), about 1,000 pages for 131 runs x 500
 * series.  By each series' index instead it was 500 descents of the
 * index, 2,800 pages, and 68,000 where the index's pages were not yet
 * all-visible (the heap read for every row): measured with EXPLAIN
 * (ANALYZE, BUFFERS) on the 10,000 x 500 database. */
#define VALS_RUNS                                                              \
	"SELECT s.k, v.run_seq, v.vals FROM cstat_values v"                    \
	" JOIN unnest($1::bigint[]) WITH ORDINALITY AS s(id, k)"               \
	"  ON s.id = v.series_id"                                              \
	" WHERE v.run_seq >= $2::bigint AND v.run_seq < $3::bigint"

/*
 * The values of a stretch of runs (struct fetch's per), received and
 * decoded on a thread of its own (fetch_vals()): row r of vals has its
 * doubles at dv[v0[r] .. v0[r + 1]), and the[] (a copy of the series)
 * where each series' rows are in rows.
 */
struct chunk {
	PGresult *vals;
	struct one *the;
	struct row *rows;
	double *dv;
	size_t ndv, dvcap, *v0;
	/* Its runs' series and their rows of vals, run after run, each
	 * run's in series order: run j's are [at[j], at[j + 1]). */
	size_t *ser, *at;
	int *row;
};

/*
 * Runs per query of the values: at most CHUNK_RUNS, and at most about
 * CHUNK_ROWS rows (series x runs).  The values of 10,000 runs x 8 series
 * are 80,000 rows (9 MB); asked for in stretches of runs, one stretch
 * is built into the tables while the server reads and sends the next,
 * instead of the whole transfer coming before the building.  Every
 * series (500 x 10,000 runs: 5,000,000 rows, about 750 MB as libpq
 * holds them) comes in stretches of 131 runs, each about 10 MB, and at
 * most CHUNK_AHEAD of them wait for the builder at once: the peak is a
 * few stretches, not the whole history (docs/performance.md "Every
 * benchmark, from the series tables").
 */
#define CHUNK_RUNS 1024
#define CHUNK_ROWS 65536
#define CHUNK_AHEAD 3

/* The values' chunks, fetched in order by fetch_vals() (the connection
 * is its own until it is done) with their runs' metadata (pre[] of the
 * rows of runs), and taken by build_tables() as they are ready. */
struct fetch {
	struct pg *p;
	const struct one *the;
	size_t k;
	const char *ids;
	const PGresult *runs;
	cstat_run **pre;
	struct cstat__buf buf; /* meta_run()'s */
	char (*bound)[24]; /* chunk c's runs: seq in [bound[c], bound[c+1]) */
	struct chunk *ch;
	size_t nch, per; /* chunks, runs per chunk */
	bool whole;	 /* every series: by VALS_RUNS, not VALS_RANGE */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready; /* chunks [0, ready) are there */
	size_t taken; /* chunks [0, taken) are built and released */
	bool done, stop;
	int rc; /* the error that stopped it, told in d */
	struct cstat_diag d;
};

/* The float8[] (binary, as add_vals() takes it) as doubles appended to
 * c->dv from c->ndv.  @return 0, CSTAT_EFORMAT when it is not a flat
 * float8[], or CSTAT_ENOMEM. */
static int
get_vals(struct chunk *c, const char *p, size_t len)
{
	if (len < 12 || be(p, 4) > 1)
		return CSTAT_EFORMAT;
	size_t n = be(p, 4) == 1 && len >= 20 ? (size_t)be(p + 12, 4) : 0;
	const char *e = p + 12 + 8 * be(p, 4);

	if ((size_t)(e - p) + 12 * n != len)
		return CSTAT_EFORMAT;
	if (cstat__grow((void **)&c->dv, &c->dvcap, c->ndv + n + 1,
			sizeof(*c->dv)))
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < n; i++, e += 12) {
		uint64_t bits = be(e + 4, 8);
		if (be(e, 4) != 8)
			return CSTAT_EFORMAT;
		memcpy(&c->dv[c->ndv + i], &bits, sizeof(double));
	}
	c->ndv += n;
	return 0;
}

/* Chunk i's runs' metadata (the chunk's rows of runs), as meta_run()
 * reads it. */
static int
chunk_runs(struct fetch *f, size_t i)
{
	size_t nruns = (size_t)f->p->pq.ntuples(f->runs), r = i * f->per;
	size_t end = nruns - r < f->per ? nruns : r + f->per;
	int rc = 0;

	for (; r < end && !rc; r++)
		rc = meta_run(f->p, f->runs, (int)r, &f->buf, &f->pre[r],
			      &f->d);
	return rc;
}

/*
 * Chunk i's rows (by series, then run) listed run after run (c->ser,
 * c->row, c->at), on the fetching thread: the builder then reads a run's
 * series in a row instead of looking at every series' next row for each
 * run (500 places in 80 MB of rows, for every run of the whole history).
 */
static int
by_run(const struct fetch *f, struct chunk *c, size_t i)
{
	size_t nruns = (size_t)f->p->pq.ntuples(f->runs), r0 = i * f->per;
	size_t m = nruns - r0 < f->per ? nruns - r0 : f->per;
	size_t nrows = (size_t)f->p->pq.ntuples(c->vals);
	uint64_t *seq = malloc((m + 1) * sizeof(*seq));

	c->at = calloc(m + 2, sizeof(*c->at));
	c->ser = malloc((nrows + 1) * sizeof(*c->ser));
	c->row = malloc((nrows + 1) * sizeof(*c->row));
	if (!seq || !c->at || !c->ser || !c->row) {
		free(seq);
		return CSTAT_ENOMEM;
	}
	for (size_t j = 0; j < m; j++)
		seq[j] = be(f->p->pq.getvalue(f->runs, (int)(r0 + j), 0), 8);
	/* Counted, then placed: two passes over each series' rows, which
	 * are in run order as the runs are, so a run is found by walking. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t s = 0; s < f->k; s++) {
			size_t j = 0;
			for (size_t a = c->the[s].at; a < c->the[s].end; a++) {
				while (j < m && seq[j] < c->rows[a].seq)
					j++;
				if (j == m || seq[j] != c->rows[a].seq)
					continue; /* a run not in the chunk */
				if (pass == 0) {
					c->at[j + 2]++;
					continue;
				}
				size_t at = c->at[j + 1]++;
				c->ser[at] = s;
				c->row[at] = c->rows[a].row;
			}
		}
		if (pass == 0)
			for (size_t j = 2; j < m + 2; j++)
				c->at[j] += c->at[j - 1];
	}
	free(seq);
	return 0;
}

static int
run_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/*
 * by_run()'s lists from VALS_RUNS' rows, which come by run, each run's
 * in the order its record wrote them (the series' order, but where a
 * run's series first appeared in a different order); sorted here only
 * if not in order.
 */
static int
in_runs(const struct fetch *f, struct chunk *c, size_t i)
{
	const struct pg *p = f->p;
	size_t nruns = (size_t)p->pq.ntuples(f->runs), r0 = i * f->per;
	size_t m = nruns - r0 < f->per ? nruns - r0 : f->per;
	size_t nrows = (size_t)p->pq.ntuples(c->vals), j = 0, at = 0;
	struct row *r = malloc((nrows + 1) * sizeof(*r));
	bool sorted = true;

	c->at = calloc(m + 2, sizeof(*c->at));
	c->ser = malloc((nrows + 1) * sizeof(*c->ser));
	c->row = malloc((nrows + 1) * sizeof(*c->row));
	if (!r || !c->at || !c->ser || !c->row) {
		free(r);
		return CSTAT_ENOMEM;
	}
	for (size_t a = 0; a < nrows; a++) {
		r[a] = (struct row){be(p->pq.getvalue(c->vals, (int)a, 0), 8),
				    be(p->pq.getvalue(c->vals, (int)a, 1), 8),
				    (int)a};
		sorted = sorted && (a == 0 || run_cmp(&r[a - 1], &r[a]) < 0);
	}
	if (!sorted)
		qsort(r, nrows, sizeof(*r), run_cmp);
	for (size_t a = 0; a < nrows; a++) {
		uint64_t sj = 0;
		while (j < m &&
		       (sj = be(p->pq.getvalue(f->runs, (int)(r0 + j), 0), 8)) <
			       r[a].seq)
			c->at[++j] = at;
		if (j == m || sj != r[a].seq || r[a].k < 1 || r[a].k > f->k)
			continue; /* not a run or series of the chunk */
		c->ser[at] = (size_t)r[a].k - 1;
		c->row[at++] = r[a].row;
	}
	while (j < m)
		c->at[++j] = at;
	free(r);
	return 0;
}

/* Chunk i's values from res, the result of its query (the chunk's
 * own after): ordered and decoded; then its runs. */
static int
fill_chunk(struct fetch *f, size_t i, PGresult *res)
{
	struct pg *p = f->p;
	struct chunk *c = &f->ch[i];

	c->vals = res;
	if (!ok(p, c->vals))
		return fail(p, &f->d, "reading a history", c->vals);
	int rows = p->pq.ntuples(c->vals);
	if (!f->whole) {
		c->the = malloc((f->k + 1) * sizeof(*c->the));
		if (c->the)
			memcpy(c->the, f->the, f->k * sizeof(*c->the));
		c->rows = c->the ? order_vals(p, c->vals, c->the, f->k) : NULL;
		if (!c->rows)
			return CSTAT_ENOMEM;
	}
	c->v0 = malloc(((size_t)rows + 1) * sizeof(*c->v0));
	if (!c->v0)
		return CSTAT_ENOMEM;
	/* Room for every value at once (a float8[] of n is 20 + 12 n bytes;
	 * get_vals() checks each), not grown by doubling: at 8,192 rows of
	 * 5 values that was 14 copies a chunk. */
	size_t need = 1;
	for (int r = 0; r < rows; r++) {
		size_t len = (size_t)p->pq.getlength(c->vals, r, 2);
		need += len >= 20 ? (len - 20) / 12 : 0;
	}
	if (cstat__grow((void **)&c->dv, &c->dvcap, need, sizeof(*c->dv)))
		return CSTAT_ENOMEM;
	for (int r = 0; r < rows; r++) {
		c->v0[r] = c->ndv;
		int rc = get_vals(c, p->pq.getvalue(c->vals, r, 2),
				  (size_t)p->pq.getlength(c->vals, r, 2));
		if (rc == CSTAT_EFORMAT)
			return say(&f->d, rc,
				   "a series' values are not a float8[]");
		if (rc)
			return rc;
	}
	c->v0[rows] = c->ndv;
	int rc = f->whole ? in_runs(f, c, i) : by_run(f, c, i);
	return rc ? rc : chunk_runs(f, i);
}

/* Chunk i made ready (rc 0), or the fetching stopped by rc.  @return
 * whether the builder has stopped. */
static bool
publish(struct fetch *f, int rc)
{
	pthread_mutex_lock(&f->mu);
	f->ready += rc == 0;
	f->rc = rc;
	bool stop = f->stop;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return stop;
}

/* Waits until the builder has released all but CHUNK_AHEAD chunks
 * before chunk i (the server waits meanwhile, its results unread).
 * @return whether the builder has stopped. */
static bool
room_for(struct fetch *f, size_t i)
{
	pthread_mutex_lock(&f->mu);
	while (!f->stop && i >= f->taken + CHUNK_AHEAD)
		pthread_cond_wait(&f->cv, &f->mu);
	bool stop = f->stop;
	pthread_mutex_unlock(&f->mu);
	return stop;
}

/* The first result of the query being read, the rest up to its end (a
 * NULL) cleared. */
static PGresult *
one_result(const struct pg *p)
{
	PGresult *res = p->pq.getResult(p->conn), *more;

	while (res && (more = p->pq.getResult(p->conn)))
		p->pq.clear(more);
	return res;
}

/* The query of f's chunks. */
static const char *
vals_sql(const struct fetch *f)
{
	return f->whole ? VALS_RUNS : VALS_RANGE;
}

/*
 * The chunks' queries sent at once in pipeline mode (libpq 14), and
 * their results taken in order: the server runs each query as soon as
 * the one before has been sent, without waiting for the client to ask
 * (under load, each round trip waits for the server's process to get a
 * core).  @return false when pipeline mode is not there (nothing sent).
 */
static bool
fetch_piped(struct fetch *f)
{
	struct pg *p = f->p;
	size_t sent = 0;

	if (!p->pq.enterPipelineMode || !p->pq.enterPipelineMode(p->conn))
		return false;
	while (sent < f->nch) {
		const char *v[3] = {f->ids, f->bound[sent], f->bound[sent + 1]};
		if (!p->pq.sendQueryParams(p->conn, vals_sql(f), 3, NULL, v,
					   NULL, NULL, 1))
			break;
		sent++;
	}
	bool synced = p->pq.pipelineSync(p->conn) == 1, stop = false;
	if (sent < f->nch || !synced)
		stop = publish(f, fail(p, &f->d, "reading a history", NULL));
	/* Every result is read, also after an error or a stop. */
	for (size_t i = 0; i < sent; i++) {
		stop = stop || room_for(f, i);
		PGresult *res = one_result(p);
		if (stop) {
			p->pq.clear(res);
			continue;
		}
		int rc = fill_chunk(f, i, res);
		stop = publish(f, rc) || rc;
	}
	/* Up to the pipeline's end (its sync), so the connection can take
	 * statements again. */
	for (PGresult *res; synced && (res = p->pq.getResult(p->conn));) {
		bool end = p->pq.resultStatus(res) == PGRES_PIPELINE_SYNC;
		p->pq.clear(res);
		if (end)
			break;
	}
	p->pq.exitPipelineMode(p->conn);
	return true;
}

/* Fetches the chunks in order, each made ready as it comes, until all
 * are there, one fails, or the builder stops.  A thread's start
 * routine. */
static void *
fetch_vals(void *arg)
{
	struct fetch *f = arg;
	const struct pg *p = f->p;
	bool stop = fetch_piped(f);

	/* Else one query after the other. */
	for (size_t i = 0; !stop && i < f->nch && !room_for(f, i); i++) {
		const char *v[3] = {f->ids, f->bound[i], f->bound[i + 1]};
		int rc = fill_chunk(f, i,
				    p->pq.execParams(p->conn, vals_sql(f), 3,
						     NULL, v, NULL, NULL, 1));
		stop = publish(f, rc) || rc;
	}
	pthread_mutex_lock(&f->mu);
	f->done = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Waits for chunk i.  @return 0, or the error that stopped the fetching
 * before it, told in d. */
static int
wait_chunk(struct fetch *f, size_t i, struct cstat_diag *d)
{
	pthread_mutex_lock(&f->mu);
	while (f->ready <= i && !f->done)
		pthread_cond_wait(&f->cv, &f->mu);
	int rc = f->ready > i ? 0 : f->rc ? f->rc : CSTAT_EIO;
	pthread_mutex_unlock(&f->mu);
	if (rc && d)
		*d = f->d;
	return rc;
}

static void
chunk_release(const struct pg *p, struct chunk *c)
{
	p->pq.clear(c->vals);
	free(c->the);
	free(c->rows);
	free(c->dv);
	free(c->v0);
	free(c->ser);
	free(c->at);
	free(c->row);
	memset(c, 0, sizeof(*c));
}

/* Chunk i built: released, and room made for one more (room_for()). */
static void
chunk_taken(struct fetch *f, size_t i)
{
	chunk_release(f->p, &f->ch[i]);
	pthread_mutex_lock(&f->mu);
	f->taken = i + 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/*
 * Whether run's series pres[0..np) make a record the reader's small
 * parser takes (history-read.c's groups_distinct()): series of one
 * configuration next to each other are a group, of one name in it a
 * benchmark; no configuration's text in two groups, no name twice in a
 * group.  Else the reader merges them, and so does build_merged().
 */
static bool
distinct(struct build *w, size_t np)
{
	uint64_t run = ++w->gen;

	for (size_t a = 0; a < np;) {
		const struct one *g = &w->the[w->pres[a]];
		size_t tid = w->conf[w->pres[a]].tid;
		if (w->cfg_seen[tid] == run)
			return false;
		w->cfg_seen[tid] = run;
		uint64_t grp = ++w->gen;
		size_t b = a;
		for (; b < np && w->the[w->pres[b]].cfg == g->cfg; b++) {
			size_t nm = w->the[w->pres[b]].nm;
			if (w->nm_seen[nm] == grp &&
			    w->the[w->pres[b - 1]].nm != nm)
				return false;
			w->nm_seen[nm] = grp;
		}
		a = b;
	}
	return true;
}

/* Benchmark pres[a..e) (its units) of a group added as the reader's
 * bench_add() adds it: a result per sample index, with every unit that
 * has that many values. */
static int
add_bench(struct build *w, struct cstat_result *res, size_t a, size_t e)
{
	const double *dv = w->f->dv;
	size_t most = 0, nu = e - a;
	int rc = 0;

	if (cstat__grow((void **)&w->cv, &w->cvcap, nu + 1, sizeof(*w->cv)) ||
	    cstat__grow((void **)&w->dd, &w->ddcap, nu + 1, sizeof(*w->dd)) ||
	    cstat__grow((void **)&w->v0, &w->v0cap, nu + 1, sizeof(*w->v0)) ||
	    cstat__grow((void **)&w->nv, &w->nvcap, nu + 1, sizeof(*w->nv)))
		return CSTAT_ENOMEM;
	for (size_t u = 0; u < nu; u++) {
		int r = w->prow[a + u];
		w->v0[u] = w->f->v0[r];
		w->nv[u] = w->f->v0[r + 1] - w->f->v0[r];
		most = w->nv[u] > most ? w->nv[u] : most;
	}
	res->name = w->the[w->pres[a]].rname;
	res->name_len = strlen(res->name);
	res->values = w->cv;
	/* Its cells get room for its samples at once, not 4 then more. */
	cstat__builder_expect(w->b, most);
	for (size_t m = 0, last = 0; m < most && !rc; m++) {
		size_t n = 0;
		for (size_t u = 0; u < nu; u++) {
			if (m >= w->nv[u])
				continue;
			double v = dv[w->v0[u] + m];
			const char *unit = w->the[w->pres[a + u]].runit;
			w->dd[n] = v;
			w->cv[n++] = (struct cstat_value){v, unit, v, unit};
		}
		/* The same units as the last result: its cells, as the
		 * reader's bench_add() finds them without comparing names
		 * again.  The filter (a benchmark's name: cbaseline-db.c's
		 * filter_bench()) keeps or drops a benchmark's results
		 * whole, so appending gives what adding gives. */
		rc = n == last ? cstat__builder_append_last(w->b, w->dd, n)
			       : CSTAT_ESTATE;
		last = n;
		if (rc == CSTAT_ESTATE) {
			res->nvalues = n;
			rc = cstat_builder_add(w->b, res);
		}
	}
	return rc == CSTAT_ESYNTAX ? CSTAT_EFORMAT : rc;
}

/* Run's series pres[0..np) added to the builder as the reader's
 * rec_add() adds the record they make (distinct() holds). */
static int
build_direct(struct build *w, size_t np, const char *label)
{
	int rc = 0;

	for (size_t a = 0; a < np && !rc;) {
		const struct conf *c = &w->conf[w->pres[a]];
		size_t cfg = w->the[w->pres[a]].cfg, g = a;
		while (g < np && w->the[w->pres[g]].cfg == cfg)
			g++;
		struct cstat_result res = {
			.file = label,
			.config = c->pairs,
			.nconfig = c->n,
			.config_text = c->text,
			.config_text_len = c->text_len,
			.config_version = ++w->version,
		};
		for (size_t b = a; b < g && !rc;) {
			size_t nm = w->the[w->pres[b]].nm, e = b;
			while (e < g && w->the[w->pres[e]].nm == nm)
				e++;
			rc = add_bench(w, &res, b, e);
			b = e;
		}
		a = g;
	}
	return rc;
}

/* Run's series pres[0..np) put into run as the reader fills a record
 * it merges (groups by configuration, benchmarks by name), then added
 * to the builder as that reader adds it (cstat__run_add()). */
static int
build_merged(struct build *w, cstat_run *run, size_t np, const char *label,
	     struct cstat_diag *d)
{
	const struct pg *p = w->p;
	int rc = 0;

	for (size_t i = 0; i < np && !rc; i++) {
		size_t s = w->pres[i];
		const char *name = p->pq.getvalue(w->ser, (int)s, 1);
		const char *unit = p->pq.getvalue(w->ser, (int)s, 2);
		size_t v0 = w->f->v0[w->prow[i]], v1 = w->f->v0[w->prow[i] + 1];
		struct run_group *g;
		struct run_bench *rb;
		rc = cstat__run_group(run, w->conf[s].pairs, w->conf[s].n, &g);
		if (!rc)
			rc = cstat__run_bench(g, name, strlen(name), &rb);
		for (size_t j = v0; j < v1 && !rc; j++)
			rc = cstat__run_value(rb, unit, w->f->dv[j]);
	}
	if (!rc)
		rc = cstat__run_add(w->b, w->rd, run, label, &w->version, d);
	cstat__run_drop_values(run);
	return rc;
}

/* Run i of the build: its metadata and the values of its series, added
 * to the builder as the reader adds the record the series tables make
 * of it (history_series()'s), then kept without its values. */
static int
build_run(struct build *w, int i, struct cstat_diag *d)
{
	cstat_run *run = w->out[i];
	size_t j = (size_t)i % w->fx->per;
	size_t np = w->f->at[j + 1] - w->f->at[j];
	char label[24];
	int rc;

	w->pres = w->f->ser + w->f->at[j];
	w->prow = w->f->row + w->f->at[j];
	snprintf(label, sizeof(label), "%zu", w->n + 1);
	if (distinct(w, np)) {
		rc = cstat__run_add_units(w->rd, run, label, d);
		if (!rc)
			rc = build_direct(w, np, label);
	} else {
		rc = build_merged(w, run, np, label, d);
	}
	if (!rc)
		w->n++;
	return rc;
}

/* The tables of the series rows of ser (with their runs and values),
 * every run a column, built as opts and confidence say. */
static int
build_tables(struct build *w, const struct cstat_builder_opts *opts,
	     double confidence, cstat_tables **t, struct cstat_diag *d)
{
	int nruns = w->p->pq.ntuples(w->runs);
	int rc = cstat_builder_new(&w->b, opts, d);

	if (!rc)
		rc = cstat_reader_new(&w->rd);
	w->conf = calloc(w->k + 1, sizeof(*w->conf));
	if (!rc && !w->conf)
		rc = CSTAT_ENOMEM;
	w->cfg_seen = calloc(w->k + 1, sizeof(*w->cfg_seen));
	w->nm_seen = calloc(w->k + 1, sizeof(*w->nm_seen));
	if (!rc && (!w->cfg_seen || !w->nm_seen))
		rc = CSTAT_ENOMEM;
	for (size_t s = 0; s < w->k && !rc; s++) {
		struct conf *c = &w->conf[s];
		if (!conf_parse(c, w->the[s].config))
			rc = say(d, CSTAT_EFORMAT,
				 "a series' configuration is not "
				 "a list of pairs");
		for (c->tid = 0; !rc && c->tid < s; c->tid++)
			if (w->conf[c->tid].text_len == c->text_len &&
			    memcmp(w->conf[c->tid].text, c->text,
				   c->text_len) == 0)
				break;
	}
	if (!rc)
		cstat__builder_cells_only(w->b);
	for (int i = 0; i < nruns && !rc; i++) {
		size_t c = (size_t)i / w->fx->per;
		if ((size_t)i % w->fx->per == 0) {
			if (c)
				chunk_taken(w->fx, c - 1);
			rc = wait_chunk(w->fx, c, d);
			w->f = &w->fx->ch[c];
		}
		if (!rc)
			rc = build_run(w, i, d);
	}
	/* The last chunk is not held through the build, the peak. */
	if (!rc && nruns > 0)
		chunk_taken(w->fx, (size_t)(nruns - 1) / w->fx->per);
	if (!rc) {
		struct cstat_stats_opts so = {0.05, confidence, w->rd, 2};
		rc = cstat_builder_build(w->b, &so, t);
	}
	cstat_builder_free(w->b);
	cstat_reader_free(w->rd);
	for (size_t s = 0; w->conf && s < w->k; s++) {
		cJSON_Delete(w->conf[s].root);
		free(w->conf[s].pairs);
		free(w->conf[s].text);
	}
	free(w->conf);
	free(w->cfg_seen);
	free(w->nm_seen);
	free(w->v0);
	free(w->nv);
	free(w->cv);
	free(w->dd);
	return rc;
}

/* What a caller of history_tables() asks for and gets. */
struct want {
	bool whole; /* every series of the history */
	const struct cstat_builder_opts *opts;
	double confidence;
	cstat_tables **t;
	cstat_run ***runs;
	size_t *n;
};

/* Chunk c's runs of runs: seq from bound[c] to before bound[c + 1]
 * (the last chunk's end: past any seq).  NULL when out of memory. */
static char (*chunk_bounds(const struct pg *p, const PGresult *runs, size_t nch,
			   size_t per))[24]
{
	char(*bound)[24] = calloc(nch + 1, sizeof(*bound));

	for (size_t c = 0; bound && c <= nch; c++) {
		uint64_t seq = c == nch ? INT64_MAX : 0;
		if (c > 0 && c < nch)
			seq = be(p->pq.getvalue(runs, (int)(c * per), 0), 8);
		snprintf(bound[c], sizeof(bound[c]), "%llu",
			 (unsigned long long)seq);
	}
	return bound;
}

/*
 * The tables of the series the[0..k) (rows of ser, ids the array
 * literal) over the runs' rows of runs, into tw.  A thread of its own
 * queries their values by chunks of runs and parses those runs'
 * metadata, while this one builds each chunk as it is ready: the
 * server's statements, the transfer of the rows (80,000 at 10,000 runs
 * x 8 series) and the parsing overlap the building instead of coming
 * before it (docs/performance.md).
 */
static int
tables_of(struct pg *p, const PGresult *runs, const PGresult *ser,
	  struct one *the, size_t k, const char *ids, const struct want *tw,
	  struct cstat_diag *d)
{
	size_t nruns = (size_t)p->pq.ntuples(runs);
	size_t per = k > CHUNK_ROWS / CHUNK_RUNS ? CHUNK_ROWS / k : CHUNK_RUNS;
	size_t nch = (nruns + per - 1) / per;
	cstat_run **pre = calloc(nruns + 1, sizeof(*pre));
	struct fetch f = {.p = p,
			  .the = the,
			  .k = k,
			  .ids = ids,
			  .runs = runs,
			  .pre = pre,
			  .nch = nch,
			  .per = per ? per : 1,
			  .whole = tw->whole};
	pthread_t th;
	bool threaded = false, sync = false;
	int rc = 0;

	f.bound = chunk_bounds(p, runs, nch, f.per);
	f.ch = calloc(nch + 1, sizeof(*f.ch));
	if (!pre || !f.bound || !f.ch || pthread_mutex_init(&f.mu, NULL)) {
		rc = CSTAT_ENOMEM;
	} else if (pthread_cond_init(&f.cv, NULL)) {
		pthread_mutex_destroy(&f.mu);
		rc = CSTAT_ENOMEM;
	} else {
		sync = true;
	}
	if (!rc) {
		threaded = pthread_create(&th, NULL, fetch_vals, &f) == 0;
		if (!threaded) { /* every chunk before the building */
			f.taken = nch;
			fetch_vals(&f);
		}
	}
	if (!rc) {
		struct build w = {.p = p,
				  .runs = runs,
				  .ser = ser,
				  .fx = &f,
				  .the = the,
				  .k = k,
				  .out = pre};
		rc = build_tables(&w, tw->opts, tw->confidence, tw->t, d);
	}
	if (threaded) {
		pthread_mutex_lock(&f.mu);
		f.stop = true;
		pthread_cond_broadcast(&f.cv);
		pthread_mutex_unlock(&f.mu);
		pthread_join(th, NULL);
	}
	if (sync) {
		pthread_cond_destroy(&f.cv);
		pthread_mutex_destroy(&f.mu);
	}
	for (size_t c = 0; f.ch && c < nch; c++)
		chunk_release(p, &f.ch[c]);
	cstat__buf_release(&f.buf);
	free(f.ch);
	free(f.bound);
	if (rc) {
		cstat_history_free(pre, nruns);
	} else {
		*tw->runs = pre;
		*tw->n = nruns;
	}
	return rc;
}

/* The records of history hid cut to the series rows of ser, into o; or,
 * with tw, their tables, without records in between. */
static int
series_records(struct pg *p, const char *hid, const PGresult *ser,
	       struct cstat__ostream *o, const struct want *tw,
	       struct cstat_diag *d)
{
	size_t k = (size_t)p->pq.ntuples(ser);
	struct one *the = calloc(k + 1, sizeof(*the));
	char *ids = id_array(p, ser);
	const char *v1[1] = {hid}, *v2[1] = {ids};
	PGresult *runs = NULL, *vals = NULL;
	struct row *order = NULL;
	int rc = the && ids ? 0 : CSTAT_ENOMEM;

	if (!rc && !series_of(p, ser, the, k))
		rc = CSTAT_ENOMEM;
	if (!rc) {
		runs = query_binary(p,
				    "SELECT seq, coalesce(meta_text,"
				    "  left(metadata::text, -1))"
				    " FROM cstat_runs"
				    " WHERE history_id = $1::bigint"
				    " ORDER BY seq",
				    1, v1);
		rc = ok(p, runs) ? 0 : fail(p, d, "reading a history", runs);
	}
	if (!rc && tw) {
		rc = tables_of(p, runs, ser, the, k, ids, tw, d);
	} else if (!rc) {
		vals = query_binary(p, VALS_SQL, 1, v2);
		rc = ok(p, vals) ? 0 : fail(p, d, "reading a history", vals);
		order = rc ? NULL : order_vals(p, vals, the, k);
		if (!rc && !order)
			rc = CSTAT_ENOMEM;
		else if (!rc && !join_runs(p, runs, vals, order, the, k, o))
			rc = o->err ? CSTAT_ENOMEM
				    : say(d, CSTAT_EFORMAT,
					  "a series' values are not a "
					  "float8[]");
	}
	p->pq.clear(runs);
	p->pq.clear(vals);
	for (size_t s = 0; the && s < k; s++) {
		free(the[s].name);
		free(the[s].unit);
	}
	free(the);
	free(ids);
	free(order);
	return rc;
}

/*
 * The series of benchmark bench (NULL: every series) in history hid, in
 * the order they first appeared: id, name, unit, config.  The same statement
 * turns the server's JIT compilation off for the rest of the caller's
 * transaction (the fifth column), rather than one more round trip: at
 * 10,000 runs x 8 series the values' query in one piece
 * (pg_history_series()) is estimated just above jit_above_cost (100,000
 * by default), and compiling it cost more than it saved (bind 26-38 ms
 * and execute 107-135 ms with JIT, 0.3 ms and 90-116 ms without;
 * docs/performance.md).  For the transaction only, never the session: a
 * pooler in transaction mode hands the server's session to other clients
 * after it (docs/cbaseline.md).  Through pg_settings, so that a server
 * without a "jit" setting (before PostgreSQL 11) gives NULL, not an
 * error.
 */
static PGresult *
bench_series(struct pg *p, const char *hid, const char *bench)
{
	const char *vals[2] = {hid, bench};

	if (!bench) /* every series */
		return query(p,
			     "SELECT id, name, unit, config,"
			     " (SELECT set_config(name, 'off', true)"
			     "  FROM pg_settings WHERE name = 'jit')"
			     " FROM cstat_series"
			     " WHERE history_id = $1::bigint"
			     " ORDER BY id",
			     1, vals);
	return query(p,
		     "SELECT id, name, unit, config,"
		     " (SELECT set_config(name, 'off', true)"
		     "  FROM pg_settings WHERE name = 'jit')"
		     " FROM cstat_series"
		     " WHERE history_id = $1::bigint"
		     " AND (name = $2 OR left(name, length($2) + 1)"
		     "  IN ($2 || '/', $2 || '-'))"
		     " ORDER BY id",
		     2, vals);
}

/*
 * History name's series of bench (NULL: every series) through
 * series_records() into o or tw, in one transaction that begin starts:
 * nothing is written, so it ends with a rollback.
 */
static int
read_series(struct pg *p, const char *name, const char *bench,
	    const char *begin, struct cstat__ostream *o, struct want *tw,
	    struct cstat_diag *d)
{
	char hid[24];
	int rc = run(p, d, "reading a history", begin, 0, NULL);

	if (!rc)
		rc = find_history(p, name, false, hid, d);
	if (!rc && !*hid)
		rc = say(d, CSTAT_ENOENT, "no history %.200s", name);
	if (!rc) {
		PGresult *ser = bench_series(p, hid, bench);
		rc = ok(p, ser) ? series_records(p, hid, ser, o, tw, d)
				: fail(p, d, "reading a history", ser);
		p->pq.clear(ser);
	}
	rollback(p);
	return rc;
}

/*
 * One benchmark's series from the series tables, built into records
 * here: the series (in the order they first appeared), every run's
 * metadata, and the series' values in binary (float8[]), read by the
 * covering index series after series and joined to their runs in C.
 * Each value is the shortest text that reads back its double.
 */
static int
pg_history_series(void *state, const char *name, const char *bench,
		  char **bytes, size_t *len, struct cstat_diag *d)
{
	struct pg *p = state;
	struct cstat__ostream o = {0};
	/* A transaction for bench_series()'s setting. */
	int rc = read_series(p, name, bench, "BEGIN READ ONLY", &o, NULL, d);

	*bytes = NULL;
	*len = 0;
	/* NUL-terminated, as every history's bytes. */
	cstat__os_addc(&o, '\0');
	o.len--;
	if (rc || o.err) {
		cstat__os_release(&o);
		return rc ? rc : CSTAT_ENOMEM;
	}
	*bytes = o.data;
	*len = o.len;
	return 0;
}

/*
 * One benchmark's tables straight from the series tables: the series and
 * runs' queries of pg_history_series(), then the values by stretches of
 * runs (tables_of()), each run's metadata parsed once and its values
 * (binary float8[]) put into the run and the builder as doubles, with no
 * record text in between.  The tables and runs are the ones the
 * file store's reader makes of pg_history_series()'s records.  bench
 * NULL: every series, the tables the reader makes of the whole history's
 * records (opts' filter applied by the builder, as that reader applies
 * it).  What it cannot read (a run's metadata, configuration or values
 * not as cbaseline writes them: a row put there by other means) is
 * CSTAT_ESTATE, so the caller reads the stored records, whose reader
 * says what is wrong with them in the file store's words.
 */
static int
pg_history_tables(void *state, const char *name, const char *bench,
		  const struct cstat_builder_opts *opts, double confidence,
		  cstat_tables **t, cstat_run ***runs, size_t *n,
		  struct cstat_diag *d)
{
	struct pg *p = state;
	struct want tw = {!bench, opts, confidence, t, runs, n};
	/* Every series: its statements in one snapshot, as the records'
	 * one statement was (pg_history_read()), so a merge or prune
	 * running at the same time is seen whole or not at all.  One
	 * benchmark: a transaction for bench_series()'s setting, each
	 * statement its own snapshot as before.  Read only: a role that
	 * may only SELECT reads it. */
	int rc = read_series(
		p, name, bench,
		bench ? "BEGIN READ ONLY"
		      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		NULL, &tw, d);

	return rc == CSTAT_EFORMAT ? CSTAT_ESTATE : rc;
}

static int
pg_history_prune(void *state, const char *name, size_t keep, size_t *removed,
		 struct cstat_diag *d)
{
	struct pg *p = state;
	char hid[24], n[24];
	int rc = find_history(p, name, false, hid, d);

	if (removed)
		*removed = 0;
	if (rc || !*hid)
		return rc;
	snprintf(n, sizeof(n), "%zu", keep);
	const char *vals[2] = {hid, n};
	PGresult *res =
		query(p,
		      "DELETE FROM cstat_runs WHERE history_id = $1::bigint"
		      " AND seq NOT IN (SELECT seq FROM cstat_runs"
		      "  WHERE history_id = $1::bigint"
		      "  ORDER BY seq DESC LIMIT $2::bigint)",
		      2, vals);
	rc = ok(p, res) ? 0 : fail(p, d, "pruning a history", res);
	if (!rc && removed)
		*removed = (size_t)strtoull(p->pq.cmdTuples(res), NULL, 10);
	p->pq.clear(res);
	return rc;
}

struct replace {
	const char *name, *bytes;
	size_t len;
};

/* Puts the records of bytes[0..len) in place of history hid's. */
static int
replace_runs(struct pg *p, const char *name, const char *hid, const char *bytes,
	     size_t len, PGresult **res, struct cstat_diag *d)
{
	const char *vals[1] = {hid};
	int rc = run(p, d, "replacing a history",
		     "DELETE FROM cstat_runs WHERE history_id = $1::bigint", 1,
		     vals);

	for (size_t at = 0; !rc && at < len;) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (bytes + at)) : len - at;
		char *line = strndup(bytes + at, n);
		bool added;
		if (!line)
			return CSTAT_ENOMEM;
		bool blank = strspn(line, " \t\r") == n;
		rc = blank ? 0 : insert_record(p, name, line, &added, res, d);
		free(line);
		at += n + 1;
	}
	return rc;
}

static int
do_replace(struct pg *p, void *ctx, PGresult **res, struct cstat_diag *d)
{
	struct replace *a = ctx;
	char hid[24];
	int rc = find_history(p, a->name, true, hid, d);

	return rc ? rc
		  : replace_runs(p, a->name, hid, a->bytes, a->len, res, d);
}

static int
pg_history_replace(void *state, const char *name, const char *bytes, size_t len,
		   struct cstat_diag *d)
{
	struct replace a = {name, bytes, len};

	return transaction(state, d, do_replace, &a);
}

struct merge {
	const char *name, *bytes;
	size_t len, added, total;
};

/*
 * The merge in one transaction: the history's row locked FOR UPDATE, then
 * read, merged and rewritten when the merge changed it.  A record inserts
 * its run under a share of that row's lock (the foreign key of cstat_runs
 * takes it), so one that began first is read here, and one that comes
 * after waits for the commit: none is lost between the read and the
 * rewrite.
 */
static int
do_merge(struct pg *p, void *ctx, PGresult **res, struct cstat_diag *d)
{
	struct merge *a = ctx;
	char hid[24], *ours = NULL, *out = NULL;
	size_t olen = 0, outlen = 0;
	bool changed = false;
	const char *vals[1] = {hid};
	int rc = find_history(p, a->name, true, hid, d);

	rc = rc ? rc
		: run(p, d, "locking a history",
		      "SELECT id FROM cstat_histories WHERE id = $1::bigint"
		      " FOR UPDATE",
		      1, vals);
	if (!rc) {
		PGresult *r =
			query(p,
			      "SELECT record FROM cstat_runs"
			      " WHERE history_id = $1::bigint ORDER BY seq",
			      1, vals);
		rc = ok(p, r) ? take_lines(p, r, &ours, &olen)
			      : fail(p, d, "reading a history", r);
		p->pq.clear(r);
	}
	if (!rc)
		rc = cstat__history_merge_text(
			ours, olen, a->name, a->bytes, a->len, a->name, &out,
			&outlen, &changed, &a->added, &a->total, NULL, NULL, d);
	if (!rc && changed)
		rc = replace_runs(p, a->name, hid, out, outlen, res, d);
	free(out);
	free(ours);
	return rc;
}

static int
pg_history_merge(void *state, const char *name, const char *bytes, size_t len,
		 size_t *added, size_t *total, struct cstat_diag *d)
{
	struct merge a = {name, bytes, len, 0, 0};
	int rc = transaction(state, d, do_merge, &a);

	if (!rc && added)
		*added = a.added;
	if (!rc && total)
		*total = a.total;
	return rc;
}

const struct cstat__stores_ops cstat__stores_postgresql = {
	.scheme = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.baseline_save = pg_baseline_save,
	.baseline_load = pg_baseline_load,
	.baseline_remove = pg_baseline_remove,
	.list = pg_list,
	.describe = pg_describe,
	.history_append = pg_history_append,
	.history_read = pg_history_read,
	.history_tail = pg_history_tail,
	.history_series = pg_history_series,
	.history_tables = pg_history_tables,
	.history_prune = pg_history_prune,
	.history_replace = pg_history_replace,
	.history_merge = pg_history_merge,
	.history_ident = pg_history_ident,
	.history_range = pg_history_range,
};
