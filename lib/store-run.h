/*
 * store-run.h - how a run is held, for the three files that make up the
 * store: store.c (the run model), store-json.c (its JSON, written and read
 * back) and store-write.c (the durable files).  Nothing else includes it:
 * the rest of the library sees runs through store.h and cstat.h.
 */
#ifndef CSTAT_STORE_RUN_H
#define CSTAT_STORE_RUN_H

#include "store.h"

/* What every schema of runs starts with: a newer one is refused by name. */
#define CSTAT__RUN_SCHEMA_PREFIX "cstat-run/"

struct run_unit {
	char *unit;
	double *v;
	size_t n, cap;
};

struct run_bench {
	const char *name; /* in its group's names */
	struct run_unit *u;
	size_t nu, cap;
};

struct run_group {
	uint32_t conf; /* the configuration, in the run's confs */
	size_t nconf;
	struct run_bench *b;
	size_t nb, cap;
	struct cstat__strtab names; /* the benchmarks' names, interned */
	size_t *of_name;	    /* by name id: index in b + 1, 0 none */
	size_t of_cap;
};

struct run_kv {
	char *key, *value;
};

struct cstat_run {
	struct run_group *g;
	size_t ng, gcap;
	struct run_kv *meta; /* name, created, commit, branch, meta.* */
	size_t nmeta, metacap;
	struct run_kv *env; /* host, goos, goarch, cpu */
	size_t nenv, envcap;
	struct run_kv *units; /* "unit\tkey" -> value, Unit metadata */
	size_t nunits, unitscap;
	/* One block holding keys and values of the lists above (those put
	 * by cstat__run_put_text()), freed whole: text_len of text_cap
	 * bytes used.  A reader's run (cstat__run_alloc_text()) has its
	 * struct and its lists' first room at the start of the block too:
	 * nothing in the block is freed alone (in_text()). */
	char *text;
	size_t text_len, text_cap;
	/* The arena of runs read together that holds the block (freed with
	 * the last of them), or NULL: the block is r's own. */
	struct cstat__runs_arena *arena;
	/* Its groups' configurations: NULL until it has a group.  Most
	 * runs of a history are read for their metadata alone (10,000 of
	 * them for one benchmark's history), and these took 530 of the
	 * run's 624 bytes. */
	struct run_confs *cf;
};

/*
 * The groups' configurations, shared: each is a sequence of pairs
 * (pair_key[p - 1], pair_val[p - 1]) of strings in cstrs, and equal runs
 * of pairs are stored once (struct cstat__seqtab).  A configuration that
 * gains a key before each result makes n groups of 1..n pairs: stored as
 * copies they took memory n * n / 2.
 */
struct run_confs {
	struct cstat__strtab cstrs;
	struct cstat__seqtab confs;
	struct cstat__u64map pair_of;  /* key id << 32 | value id -> p */
	struct cstat__u64map group_of; /* confs id -> group index */
	uint32_t *pair_key, *pair_val, *scratch;
	size_t npairs, pairs_cap, pvals_cap, scratch_cap;
	struct cstat__buf last_text; /* the last result's config_text */
	size_t last_group;
	bool last_valid;
};

/* a, sep and b in one malloc'd string (keys of any length), or NULL. */
char *cstat__run_join(const char *a, const char *sep, const char *b);

/* Key and value j of group g's configuration (strings of r). */
const char *cstat__run_group_key(const cstat_run *r, const struct run_group *g,
				 size_t j);
const char *cstat__run_group_val(const cstat_run *r, const struct run_group *g,
				 size_t j);

/* Where a run's text goes (store-json.c writes, store-write.c and
 * cstat_run_write() give the sink): put() returns 0 or an error code. */
struct cstat__run_sink {
	int (*put)(void *ctx, const char *p, size_t n);
	void *ctx;
};

/* Writes r's JSON and a newline to s, a group at a time.
 * @return 0, CSTAT_ENOMEM or what s->put() returned. */
int cstat__run_write_to(const cstat_run *r, bool pretty,
			struct cstat__run_sink *s);

#endif /* CSTAT_STORE_RUN_H */
