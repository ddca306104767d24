/*
 * cbaseline - named baselines and a history of runs, in plain files.
 *
 * A store is a directory (default .cstat, or -store DIR, or $CSTAT_STORE)
 * holding baselines/NAME.json (one run each) and history/NAME.jsonl (one
 * run per line).  The commands save and compare against baselines, record
 * runs into histories, and look at a history: per-benchmark summaries with
 * sparklines, change points, exports.  compare and gate are cstat and
 * cregress with the baseline as the first input.
 *
 * Every command takes its flags before or after NAME and FILES: a table of
 * the commands (commands[]) names each one's flags, and run_command() puts
 * them first, each with its value, before the command parses them; compare,
 * show and gate pass the flags that are not theirs to cstat or cregress,
 * whose own flag tables say which take a value.
 *
 * Exit codes: 0 success (gate: no regression); 1 gate: a regression,
 * detect -fail-on new: a new regression;
 * 2 usage error, unreadable input, corrupt or unknown-version store file,
 * or (with -strict) a baseline from a different machine.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <gsl/gsl_errno.h>

#include "cbaseline-db.h"
#include "cli.h"
#include "cstat.h"
#include "store-util.h"
#include "tools.h"

#define PROG "cbaseline"

/* The overview (cbaseline -h) around the commands' lines. */
static const char usage_head[] =
	"Usage: cbaseline [-store DIR] COMMAND [flags] ARGS\n"
	"       cbaseline -version\n"
	"\n"
	"Commands (cbaseline COMMAND -h for a command's flags):\n";

static const char usage_tail[] =
	"\n"
	"A command's flags may come before or after its NAME and FILES; \"--\" "
	"ends the\n"
	"flags.  compare, show and gate pass the flags that are not their own "
	"on to\n"
	"cstat or cregress.  save and record take -m key=value (repeatable): "
	"commit=,\n"
	"branch=, created= and any other key; commit and branch default to "
	"$GITHUB_SHA /\n"
	"$CI_COMMIT_SHA and $GITHUB_REF_NAME / $CI_COMMIT_REF_NAME.  compare "
	"and gate\n"
	"match benchmarks across machines (-fingerprint KEYS, default "
	"cpu,goos,goarch,os,\n"
	"arch,host_name,num_cpus,cpu_scaling_enabled) and warn when they "
	"differ; -strict\n"
	"makes that an error.\n"
	"\n"
	"The store is -store DIR, else $CSTAT_STORE, else ./.cstat.  A "
	"postgresql:// URI\n"
	"or a libpq key=value string is a shared store in PostgreSQL, for "
	"the project\n"
	"$CSTAT_PROJECT (else \"default\"); merge copies between the two "
	"kinds.\n"
	"\n"
	"Exit status: 0 success; 1 gate found a regression, or detect -fail-on "
	"new found\n"
	"one; 2 usage error, unreadable input, corrupt store file, or -strict "
	"and another\n"
	"machine.\n";

static void usage(FILE *out);

struct store {
	const char *dir;
	char path[4096];
};

static const char *
store_path(struct store *s, const char *kind, const char *name, const char *ext)
{
	snprintf(s->path, sizeof(s->path), "%s/%s/%s%s", s->dir, kind, name,
		 ext);
	return s->path;
}

/* A link at history path or at the lock beside it, refused: 0, or 2 (told). */
static int
refuse_history_links(const struct store *s, const char *path)
{
	char lock[sizeof(s->path) + 8];

	snprintf(lock, sizeof(lock), "%s.lock", path);
	return store_refuse_link(path) || store_refuse_link(lock) ? 2 : 0;
}

/*
 * Reads every input into a new run, reporting bad lines as it goes.
 * @return 0 or 2 (reported).
 */
static int
read_run(char **args, int n, cstat_run **out)
{
	cstat_inputs *in = NULL;
	cstat_reader *r = NULL;
	cstat_run *run = NULL;
	struct cstat_diag d;
	bool told = false;
	int rc = cstat_inputs_new(&in, (const char *const *)args, (size_t)n);

	if (!rc)
		rc = cstat_reader_new(&r);
	if (!rc)
		rc = cstat_run_new(&run);
	if (!rc && cli_reader_limits(PROG, r, NULL)) {
		rc = CSTAT_EINVAL;
		told = true;
	}
	for (size_t i = 0; !rc && i < cstat_inputs_count(in); i++) {
		const struct cstat_input *inp = cstat_inputs_get(in, i);
		const struct cstat_result *res;
		rc = cstat_reader_open_input(r, inp, &d);
		while (!rc && (rc = cstat_reader_next(r, &res, &d)) != 0) {
			if (rc == CSTAT_ESYNTAX) {
				store_print_diag(&d);
				rc = 0;
				continue;
			}
			if (rc < 0)
				break;
			rc = cstat_run_add(run, res, r);
		}
		if (rc) {
			store_print_error(rc, &d);
			told = true;
		}
	}
	if (!rc && cstat_run_count(run) == 0) {
		fprintf(stderr, "%s: no benchmark results in the inputs\n",
			PROG);
		rc = CSTAT_EINVAL;
		told = true;
	}
	cstat_reader_free(r);
	cstat_inputs_free(in);
	if (rc) {
		if (!told)
			store_print_error(rc, NULL);
		cstat_run_free(run);
		return 2;
	}
	*out = run;
	return 0;
}

/* Metadata: -m pairs, the CI's environment, the time and host. */
static int
set_meta(cstat_run *run, const char *name, const struct cli_list *m)
{
	char now[32], host[256];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cstat_run_set(run, "name", name) ||
	    cstat_run_set(run, "created", now))
		return 2;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		cstat_run_set(run, "host", host);
	}
	static const char *const env[][3] = {
		{"commit", "GITHUB_SHA", "CI_COMMIT_SHA"},
		{"branch", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"},
	};
	for (size_t i = 0; i < 2; i++) {
		const char *v = getenv(env[i][1]);
		if (!v || !*v)
			v = getenv(env[i][2]);
		if (v && *v && cstat_run_set(run, env[i][0], v))
			return 2;
	}
	for (size_t i = 0; i < m->n; i++) {
		const char *eq = strchr(m->v[i], '=');
		char key[300];
		if (!eq || eq == m->v[i] || (size_t)(eq - m->v[i]) > 200) {
			fprintf(stderr, "%s: -m %s: want key=value\n", PROG,
				m->v[i]);
			return 2;
		}
		size_t kl = (size_t)(eq - m->v[i]);
		/* commit, branch and created (to record an old run, or
		 * for reproducible files) are the run's own keys. */
		bool plain = (kl == 6 && strncmp(m->v[i], "commit", 6) == 0) ||
			     (kl == 6 && strncmp(m->v[i], "branch", 6) == 0) ||
			     (kl == 7 && strncmp(m->v[i], "created", 7) == 0);
		snprintf(key, sizeof(key), "%s%.*s", plain ? "" : "meta.",
			 (int)kl, m->v[i]);
		if (cstat_run_set(run, key, eq + 1)) {
			fprintf(stderr, "%s: -m %s: %s\n", PROG, m->v[i],
				strcmp(key, "created") == 0
					? "want an RFC 3339 time such as "
					  "2026-11-01T10:00:00Z"
					: cstat_strerror(CSTAT_ENOMEM));
			return 2;
		}
	}
	return 0;
}

/* Parses a command's own flags; *first is the first argument after. */
static int
parse_flags(const char *cmd, int argc, char **argv,
	    const struct cli_flag *flags, size_t n, int *first)
{
	char prog[64];
	bool help;

	snprintf(prog, sizeof(prog), "%s %s", PROG, cmd);
	if (cli_parse(prog, argc, argv, flags, n, first, &help))
		return 2;
	if (help) {
		usage(stdout);
		exit(0);
	}
	return 0;
}

/*
 * The first positional argument of a command's arguments as run_command()
 * hands them over: flags, "--", then NAME and FILES.
 */
static int
positional(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
	return argc;
}

static int
cmd_save(struct store *s, const char *cmd, int argc, char **argv)
{
	struct cli_list m = {0};
	const struct cli_flag flags[] = {
		{"m", CLI_LIST, &m, "key=value", "metadata", NULL},
	};
	struct cstat_diag d;
	cstat_run *run, *old = NULL;
	int first, rc;

	if (parse_flags(cmd, argc, argv, flags, 1, &first))
		return 2;
	if (argc - first < 2 || !store_valid_name(argv[first])) {
		fprintf(stderr, "%s: %s NAME FILES...: %s\n", PROG, cmd,
			argc - first < 2 ? "need a name and files"
					 : "a name is letters, digits, "
					   "'.', '_' and '-'");
		return 2;
	}
	const char *name = argv[first];
	if (read_run(argv + first + 1, argc - first - 1, &run))
		return 2;
	rc = set_meta(run, name, &m);
	bool record = strcmp(cmd, "record") == 0;
	if (!rc)
		rc = store_make_dirs(s->dir, record ? "history" : "baselines");
	if (rc) {
		cstat_run_free(run);
		return 2;
	}
	const char *path = store_path(s, record ? "history" : "baselines", name,
				      record ? ".jsonl" : ".json");
	if (record ? refuse_history_links(s, path) : store_refuse_link(path)) {
		cstat_run_free(run);
		return 2;
	}
	if (!record && access(path, F_OK) == 0) {
		/* Never replace a file we cannot read as a baseline. */
		int lr = cstat_run_load(&old, path, &d);
		cstat_run_free(old);
		if (lr) {
			store_print_error(lr, &d);
			fprintf(stderr,
				"%s: %s is not a baseline this cbaseline can "
				"read; not replacing it (remove it first)\n",
				PROG, path);
			cstat_run_free(run);
			return 2;
		}
	}
	if (record) {
		/* Refuse to append to a history that is not ours, by its
		 * last record: reading it all would make recording slow. */
		int lr = cstat_history_check(path, store_warn_diag, NULL, &d);
		if (lr) {
			store_print_error(lr, &d);
			cstat_run_free(run);
			return 2;
		}
		rc = cstat_run_append(run, path, &d);
	} else {
		rc = cstat_run_save(run, path, &d);
	}
	if (rc)
		store_print_error(rc, &d);
	else
		fprintf(stderr, "%s: %s %s: %zu value%s\n", PROG,
			record ? "recorded a run in" : "saved", path,
			cstat_run_count(run),
			cstat_run_count(run) == 1 ? "" : "s");
	cstat_run_free(run);
	return rc ? 2 : 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of the store's files of kind ("baselines", "history"), sorted:
 * *names a malloc'd array of malloc'd strings, as many as there are.
 * @return their number, or -1 when out of memory (said).
 */
static long
list_names(const struct store *s, const char *kind, char ***names)
{
	const char *ext = strcmp(kind, "history") == 0 ? ".jsonl" : ".json";
	size_t n = 0, cap = 0, el = strlen(ext);
	char dir[4096], **v = NULL;
	struct dirent *e;
	bool oom = false;

	*names = NULL;
	snprintf(dir, sizeof(dir), "%s/%s", s->dir, kind);
	DIR *dp = opendir(dir);
	if (!dp)
		return 0;
	while (!oom && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l <= el || strcmp(e->d_name + l - el, ext) != 0 ||
		    e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 64;
			char **nv = realloc(v, c * sizeof(*v));
			if (!nv) {
				oom = true;
				break;
			}
			v = nv;
			cap = c;
		}
		oom = (v[n] = strndup(e->d_name, l - el)) == NULL;
		n += !oom;
	}
	closedir(dp);
	if (oom) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		return -1;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_name);
	*names = v;
	return (long)n;
}

/* Describes the store's file of entry e (kind and name set) into e;
 * the strings it sets are malloc'd. */
static void
describe(struct store *s, struct cstat_store_entry *e)
{
	bool base = strcmp(e->kind, "baseline") == 0;
	const char *path = store_path(s, base ? "baselines" : "history",
				      e->name, base ? ".json" : ".jsonl");
	struct cstat_diag d;
	const char *c;

	if (store_describe(e) == 0) /* a database's answer */
		return;
	if (base) {
		cstat_run *r;
		if (cstat_run_load(&r, path, &d)) {
			e->error = strdup(d.message);
			return;
		}
		e->count = cstat_run_count(r);
		if ((c = cstat_run_get(r, "created")) != NULL)
			e->created = strdup(c);
		if ((c = cstat_run_get(r, "commit")) != NULL)
			e->commit = strdup(c);
		cstat_run_free(r);
		return;
	}
	/* Counted without parsing every record; the snapshot, when it is
	 * the history's, answers at once. */
	char cache[sizeof(s->path) + 32];
	struct cstat_history_info hi;
	snprintf(cache, sizeof(cache), "%s/cache/%s.snapshot", s->dir, e->name);
	if (cstat_history_describe(path, cache, &hi, NULL, NULL, &d)) {
		e->error = strdup(d.message);
		return;
	}
	e->count = hi.runs;
	e->created = hi.created;
}

static int
cmd_list(struct store *s, const char *cmd, int argc, char **argv)
{
	static const char *const kinds[] = {"baselines", "history"};
	const char *format = NULL;
	const struct cli_flag flags[] = {
		{"format", CLI_STRING, &format, "F", "", NULL},
	};
	struct cstat_store_entry *e = NULL;
	enum cstat_format fmt;
	size_t n = 0;
	int first, rc = 0;

	if (parse_flags(cmd, argc, argv, flags, 2, &first) ||
	    store_report_format(cmd, format, &fmt))
		return 2;
	if (first < argc) {
		fprintf(stderr, "%s list: unexpected argument %s\n", PROG,
			argv[first]);
		return 2;
	}
	for (size_t k = 0; k < 2; k++) {
		char **names;
		if (store_check_dirs(s->dir, kinds[k])) {
			rc = 2;
			break;
		}
		long got = list_names(s, kinds[k], &names);
		if (got < 0) {
			rc = 2;
			break;
		}
		size_t m = (size_t)got;
		struct cstat_store_entry *ne =
			realloc(e, (n + m + 1) * sizeof(*e));
		if (!ne) {
			for (size_t i = 0; i < m; i++)
				free(names[i]);
			free(names);
			rc = 2;
			break;
		}
		e = ne;
		for (size_t i = 0; i < m; i++, n++) {
			e[n] = (struct cstat_store_entry){
				.kind = k ? "history" : "baseline",
				.name = names[i]};
			describe(s, &e[n]);
		}
		free(names);
	}
	if (!rc && (rc = cstat_store_list_write(e, n, fmt, stdout)) != 0) {
		store_print_error(rc, NULL);
		rc = 2;
	}
	for (size_t i = 0; i < n; i++) {
		free((char *)e[i].name);
		free((char *)e[i].created);
		free((char *)e[i].commit);
		free((char *)e[i].error);
	}
	free(e);
	return rc;
}

/*
 * gate's -history VALUE (or -history=VALUE) at argv[*i]: sets *value and
 * moves *i past it.  @return whether argv[*i] was that flag.
 */
static bool
history_flag(char **argv, int argc, int *i, const char **value)
{
	const char *a = argv[*i];

	while (*a == '-')
		a++;
	if (strncmp(a, "history", 7) != 0 || (a[7] != '\0' && a[7] != '='))
		return false;
	if (a[7] == '=') {
		*value = a + 8;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		return false; /* cregress says the value is missing */
	}
	return true;
}

/*
 * compare's -fingerprint VALUE (or -fingerprint=VALUE) at argv[*i], as
 * history_flag() does: cstat has no such flag, cbaseline hands it over.
 */
static bool
fingerprint_flag(char **argv, int argc, int *i, const char **value)
{
	const char *a = argv[*i];

	while (*a == '-')
		a++;
	if (strncmp(a, "fingerprint", 11) != 0 ||
	    (a[11] != '\0' && a[11] != '='))
		return false;
	if (a[11] == '=')
		*value = a + 12;
	else if (*i + 1 < argc)
		*value = argv[++*i];
	else
		return false; /* cstat says the flag is unknown */
	return true;
}

/*
 * The history gate hands cregress for its noise-aware thresholds (*out,
 * malloc'd, or NULL for none): by default the store's history of the
 * baseline's name when there is one; with -history, "none" for none, the
 * store's history of that name, or a file.
 * @return 0 or 2 (reported: a named history that does not exist).
 */
static int
gate_history(struct store *s, const char *name, const char *flag, char **out)
{
	struct stat st;

	*out = NULL;
	if (flag && strcmp(flag, "none") == 0)
		return 0;
	if (flag && !store_valid_name(flag)) {
		*out = strdup(flag); /* a file: cregress reads and reports it */
		return *out ? 0 : 2;
	}
	const char *p = store_path(s, "history", flag ? flag : name, ".jsonl");
	if (store_check_dirs(s->dir, "history") || store_refuse_link(p))
		return 2;
	if (stat(p, &st) != 0) {
		if (!flag)
			return 0;
		fprintf(stderr, "%s: gate: no history %s (%s)\n", PROG, flag,
			p);
		return 2;
	}
	*out = strdup(p);
	return *out ? 0 : 2;
}

/* Whether flag argument a is -strict (or -strict=true). */
static bool
strict_flag(const char *a, bool *strict)
{
	while (*a == '-')
		a++;
	if (strncmp(a, "strict", 6) != 0 || (a[6] != '\0' && a[6] != '='))
		return false;
	*strict = a[6] == '\0' || strcmp(a + 7, "true") == 0 ||
		  strcmp(a + 7, "1") == 0 || strcmp(a + 7, "t") == 0;
	return true;
}

/*
 * compare and gate: cstat or cregress with the baseline as the first input.
 * The arguments are flags (ours, -strict and gate's -history, and the
 * tool's), "--", NAME and FILES (run_command()).
 */
static int
cmd_compare(struct store *s, const char *cmd, int argc, char **argv)
{
	bool gate = strcmp(cmd, "gate") == 0, strict = false;
	const char *history = NULL, *fingerprint = CSTAT_DEFAULT_FINGERPRINT;
	struct cstat_diag d;
	cstat_run *base;
	int i = positional(argc, argv), rc;

	if (argc - i < 2 || !store_valid_name(argv[i])) {
		fprintf(stderr, "%s: %s NAME [flags] FILES...: %s\n", PROG, cmd,
			argc - i < 1   ? "need a name and files"
			: argc - i < 2 ? "need files to compare"
				       : "bad name");
		return 2;
	}
	const char *name = argv[i++];
	char *path = strdup(store_path(s, "baselines", name, ".json"));
	char **args = calloc((size_t)argc + 4, sizeof(char *));
	int na = 0;
	if (!path || !args)
		return 2;
	args[na++] = (char *)(gate ? "cregress" : "cstat");
	for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++) {
		if (strict_flag(argv[k], &strict) && !gate)
			continue; /* ours alone for compare */
		if (gate && history_flag(argv, argc, &k, &history))
			continue;
		if (!gate && fingerprint_flag(argv, argc, &k, &fingerprint))
			continue;
		args[na++] = argv[k];
	}
	if (store_check_dirs(s->dir, "baselines") || store_refuse_link(path)) {
		free(args);
		free(path);
		return 2;
	}
	rc = cstat_run_load(&base, path, &d);
	if (rc) {
		store_print_error(rc, &d);
		free(args);
		free(path);
		return 2;
	}
	/* Another machine is for the tool below to say: it matches the
	 * benchmarks across the fingerprint keys and names what differs. */
	cstat_run_free(base);
	char *hpath = NULL;
	if (gate && gate_history(s, name, history, &hpath)) {
		free(args);
		free(path);
		return 2;
	}
	if (hpath) {
		args[na++] = (char *)"-history";
		args[na++] = hpath;
	}
	char *label = malloc(strlen(name) + strlen(path) + 2);
	if (!label)
		return 2;
	sprintf(label, "%s=%s", name, path);
	args[na++] = label;
	for (; i < argc; i++)
		args[na++] = argv[i];
	args[na] = NULL;
	rc = gate ? cregress_tool_main(na, args)
		  : cstat_tool_compare(na, args, fingerprint, strict);
	/* cstat says 1 for an unreadable input; cbaseline says 2. */
	if (!gate && rc == 1)
		rc = 2;
	free(label);
	free(hpath);
	free(args);
	free(path);
	return rc;
}

/* show: cstat on the baseline alone; the arguments are cstat's flags,
 * "--" and NAME (run_command()). */
static int
cmd_show(struct store *s, const char *cmd, int argc, char **argv)
{
	int p = positional(argc, argv);

	if (argc - p != 1 || !store_valid_name(argv[p])) {
		fprintf(stderr, "%s: %s NAME [cstat flags]\n", PROG, cmd);
		return 2;
	}
	const char *name = argv[p];
	char *path = strdup(store_path(s, "baselines", name, ".json"));
	char *label = malloc(strlen(name) + strlen(path ? path : "") + 2);
	char **args = calloc((size_t)argc + 2, sizeof(char *));
	int na = 0, rc;

	if (!path || !label || !args)
		return 2;
	/* The baseline must read as one: cstat would show an empty or
	 * garbage file as no results, and exit 0. */
	struct cstat_diag d;
	cstat_run *base = NULL;
	rc = store_check_dirs(s->dir, "baselines") || store_refuse_link(path)
		     ? 2
		     : cstat_run_load(&base, path, &d);
	cstat_run_free(base);
	if (rc) {
		if (rc < 0)
			store_print_error(rc, &d);
		free(args);
		free(label);
		free(path);
		return 2;
	}
	sprintf(label, "%s=%s", name, path);
	args[na++] = (char *)"cstat";
	for (int i = 1; i < p - 1; i++)
		args[na++] = argv[i];
	args[na++] = label;
	rc = cstat_tool_main(na, args);
	free(args);
	free(label);
	free(path);
	return rc == 1 ? 2 : rc;
}

static int
cmd_rm(struct store *s, const char *cmd, int argc, char **argv)
{
	int p = positional(argc, argv);

	if (argc - p != 1 || !store_valid_name(argv[p])) {
		fprintf(stderr, "%s: %s NAME\n", PROG, cmd);
		return 2;
	}
	if (store_check_dirs(s->dir, "baselines"))
		return 2;
	const char *path = store_path(s, "baselines", argv[p], ".json");
	if (unlink(path)) {
		fprintf(stderr, "%s: rm %s: %s\n", PROG, path, strerror(errno));
		return 2;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* History */

static int
cmd_history(struct store *s, const char *cmd, int argc, char **argv)
{
	const char *format = NULL, *filter = NULL;
	const struct cli_flag flags[] = {
		{"format", CLI_STRING, &format, "F", "", NULL},
		{"filter", CLI_STRING, &filter, "EXPR", "", NULL},
	};
	enum cstat_format fmt;
	cstat_run **runs;
	cstat_tables *t;
	size_t n;
	int first;

	if (parse_flags(cmd, argc, argv, flags, 2, &first) ||
	    store_report_format(cmd, format, &fmt))
		return 2;
	if (argc - first != 1) {
		fprintf(stderr, "%s: history [-format F] [-filter EXPR] NAME\n",
			PROG);
		return 2;
	}
	const char *name = argv[first];
	if (store_read_history(s->dir, name, filter, &t, &runs, &n))
		return 2;
	int rc = cstat_history_summary_write(runs, n, t, name, fmt, stdout);
	if (rc)
		store_print_error(rc, NULL);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	return rc ? 2 : 0;
}

static int
cmd_prune(struct store *s, const char *cmd, int argc, char **argv)
{
	double keep = -1;
	const struct cli_flag flags[] = {
		{"keep", CLI_FLOAT, &keep, "N", "runs to keep", NULL},
	};
	struct cstat_diag d;
	const char *name;
	size_t removed;
	int first;

	/* prune -keep N NAME, or prune NAME -keep N. */
	if (argc > 1 && argv[1][0] != '-') {
		name = argv[1];
		if (parse_flags(cmd, argc - 1, argv + 1, flags, 1, &first))
			return 2;
		first = first == argc - 1 ? 1 : -1;
	} else {
		if (parse_flags(cmd, argc, argv, flags, 1, &first))
			return 2;
		name = first == argc - 1 ? argv[first] : NULL;
		first = name ? 1 : -1;
	}
	/* A count beyond 1e15 (inf, 1e300) would not survive the
	 * conversion to size_t, and no history has that many runs. */
	if (first < 0 || !store_valid_name(name) ||
	    !(keep >= 0 && keep <= 1e15) || keep != floor(keep)) {
		fprintf(stderr, "%s: prune -keep N NAME (N a whole number)\n",
			PROG);
		return 2;
	}
	if (store_check_dirs(s->dir, "history"))
		return 2;
	const char *path = store_path(s, "history", name, ".jsonl");
	if (refuse_history_links(s, path))
		return 2;
	int rc = store_prune(path, name, (size_t)keep, &removed, &d);
	if (rc) {
		store_print_error(rc, &d);
		return 2;
	}
	fprintf(stderr, "%s: pruned %zu run%s from %s\n", PROG, removed,
		removed == 1 ? "" : "s", path);
	return 0;
}

/* detect, export and forecast (cbaseline-analyze.c). */
static int
cmd_analyze(struct store *s, const char *cmd, int argc, char **argv)
{
	return cbaseline_analyze(s->dir, cmd, argc, argv);
}

/* merge on the directory dir (db_merge_into_dir()'s callback). */
static int
merge_in_dir(void *ctx, const char *dir, const char *cmd, int n, char **v)
{
	(void)ctx;
	(void)cmd;
	return cbaseline_merge(dir, n, v);
}

/* merge (cbaseline-merge.c); OTHER_STORE may be a shared store. */
static int
cmd_merge(struct store *s, const char *cmd, int argc, char **argv)
{
	(void)cmd;
	if (db_merge_other(argc, argv) >= 0)
		return db_merge_into_dir(s->dir, argc, argv, merge_in_dir,
					 NULL);
	return cbaseline_merge(s->dir, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* Commands and their flags */

/* Whose flags a command passes on, besides its own. */
enum pass { PASS_NONE, PASS_CSTAT, PASS_CREGRESS };

struct command {
	const char *name;
	const char *args;  /* after "cbaseline COMMAND [flags] " */
	const char *brief; /* the overview's line */
	const char *about; /* the command's usage text, or NULL: brief */
	const struct cli_flag *flags;
	size_t nflags;
	enum pass pass;
	int (*run)(struct store *s, const char *cmd, int argc, char **argv);
};

/* The flags of each command, for its usage and for telling a flag's
 * value from NAME; each command parses their values itself. */
static const struct cli_flag meta_flags[] = {
	{"m", CLI_LIST, NULL, "key=value",
	 "metadata: commit=, branch=, created= (RFC 3339) or any key "
	 "(repeatable)",
	 NULL},
};
#define FORMAT_FLAG(what)                                                      \
	{                                                                      \
		"format", CLI_STRING, NULL, "text|markdown|json", what, "text" \
	}
static const struct cli_flag list_flags[] = {
	FORMAT_FLAG("the listing's format"),
};
/* -filter of history, detect, export and forecast. */
#define FILTER_FLAG                                                            \
	{                                                                      \
		"filter", CLI_STRING, NULL, "EXPR",                            \
			"only the benchmarks EXPR keeps, as cstat's -filter "  \
			"(.name:Op: one benchmark)",                           \
			"*, all"                                               \
	}
static const struct cli_flag history_flags[] = {
	FILTER_FLAG,
	FORMAT_FLAG("the report's format"),
};
static const struct cli_flag compare_flags[] = {
	{"fingerprint", CLI_STRING, NULL, "KEYS",
	 "the machine keys benchmarks match across (\"\": none)",
	 CSTAT_DEFAULT_FINGERPRINT},
	{"strict", CLI_BOOL, NULL, NULL,
	 "a baseline from another machine is an error", NULL},
};
static const struct cli_flag gate_flags[] = {
	{"history", CLI_STRING, NULL, "OTHER|FILE|none",
	 "the history whose run-to-run noise the gate uses", "NAME's"},
	{"strict", CLI_BOOL, NULL, NULL,
	 "a baseline from another machine is an error (and cregress's "
	 "-strict)",
	 NULL},
};
static const struct cli_flag prune_flags[] = {
	{"keep", CLI_FLOAT, NULL, "N", "runs to keep", NULL},
};
static const struct cli_flag detect_flags[] = {
	{"alpha", CLI_FLOAT, NULL, "A", "false-positive rate per series",
	 "0.005"},
	{"fail-on", CLI_STRING, NULL, "none|new",
	 "new: exit 1 when the newest runs make a change for the worse "
	 "detectable\n    \tthat the history before them did not show",
	 "none"},
	FILTER_FLAG,
	FORMAT_FLAG("the report's format"),
	{"new", CLI_FLOAT, NULL, "N",
	 "with -fail-on new: the runs recorded since detect last ran", "1"},
	{"since", CLI_FLOAT, NULL, "N", "only the last N runs", "0, all"},
};
static const struct cli_flag export_flags[] = {
	{"alpha", CLI_FLOAT, NULL, "A",
	 "false-positive rate per series of the change points", "0.005"},
	FILTER_FLAG,
	{"forecast", CLI_BOOL, NULL, NULL,
	 "html: draw each significant trend on, dashed, as cbaseline "
	 "forecast does",
	 NULL},
	{"format", CLI_STRING, NULL, "html|csv|json", "what to write", NULL},
	{"o", CLI_STRING, NULL, "FILE", "write to FILE", "standard output"},
	{"repo-url", CLI_STRING, NULL, "URL",
	 "link the dashboard's commits to URL/commit/COMMIT",
	 "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY"},
};

static const struct cli_flag forecast_flags[] = {
	{"ahead", CLI_FLOAT, NULL, "N", "runs predicted", "10"},
	{"alpha", CLI_FLOAT, NULL, "A",
	 "false-positive rate per series of the change points", "0.005"},
	{"config", CLI_STRING, NULL, "FILE",
	 "the gate's config file, for its thresholds", NULL},
	FILTER_FLAG,
	{"format", CLI_STRING, NULL, "text|markdown|json|csv|html",
	 "the report's format", "text"},
	{"level", CLI_FLOAT, NULL, "L", "confidence of the trend's interval",
	 "0.99"},
	{"min-runs", CLI_FLOAT, NULL, "N", "fewest runs since the change point",
	 "10"},
	{"o", CLI_STRING, NULL, "FILE", "write to FILE", "standard output"},
	{"repo-url", CLI_STRING, NULL, "URL",
	 "html: link commits to URL/commit/COMMIT", NULL},
	{"threshold", CLI_LIST, NULL, "[SELECTOR=]PCT",
	 "a threshold rule, as cregress's (repeatable)", "5%"},
};

#define FLAGS(f) f, sizeof(f) / sizeof(f[0])
static const struct command commands[] = {
	{"save", "NAME FILES...", "save FILES as baseline NAME (replacing it)",
	 NULL, FLAGS(meta_flags), PASS_NONE, cmd_save},
	{"list", "", "list baselines and histories", NULL, FLAGS(list_flags),
	 PASS_NONE, cmd_list},
	{"show", "NAME", "baseline NAME's summary table, as cstat prints it",
	 "cstat on baseline NAME alone: its summary table.  Every flag goes "
	 "to cstat\n(cstat -h lists them), e.g. -format json.\n",
	 NULL, 0, PASS_CSTAT, cmd_show},
	{"rm", "NAME", "remove baseline NAME", NULL, NULL, 0, PASS_NONE,
	 cmd_rm},
	{"compare", "NAME FILES...",
	 "cstat with baseline NAME as the first column",
	 "cstat with baseline NAME as the first column: every flag that is "
	 "not compare's\nown goes to cstat (cstat -h lists them), e.g. "
	 "-format markdown.\n",
	 FLAGS(compare_flags), PASS_CSTAT, cmd_compare},
	{"gate", "NAME FILES...",
	 "cregress against baseline NAME, with history NAME",
	 "cregress against baseline NAME, with history NAME's run-to-run "
	 "noise when it\nexists: every flag that is not gate's own goes to "
	 "cregress (cregress -h lists\nthem), and the exit status is "
	 "cregress's.\n",
	 FLAGS(gate_flags), PASS_CREGRESS, cmd_compare},
	{"record", "NAME FILES...", "append FILES as a run to history NAME",
	 NULL, FLAGS(meta_flags), PASS_NONE, cmd_save},
	{"history", "NAME",
	 "per benchmark: runs, first, last, median, sparkline", NULL,
	 FLAGS(history_flags), PASS_NONE, cmd_history},
	{"detect", "NAME",
	 "change points in history NAME (-fail-on new: alert)",
	 cbaseline_detect_about, FLAGS(detect_flags), PASS_NONE, cmd_analyze},
	{"prune", "-keep N NAME", "keep the last N runs of history NAME", NULL,
	 FLAGS(prune_flags), PASS_NONE, cmd_prune},
	{"export", "-format html|csv|json NAME",
	 "history NAME as a dashboard page, CSV or JSON",
	 cbaseline_export_about, FLAGS(export_flags), PASS_NONE, cmd_analyze},
	{"forecast", "NAME", "trends since the change points; when they cross",
	 cbaseline_forecast_about, FLAGS(forecast_flags), PASS_NONE,
	 cmd_analyze},
	{"merge", "OTHER_STORE | NAME FILE",
	 "merge a store or file in (each run once)", cbaseline_merge_about,
	 NULL, 0, PASS_NONE, cmd_merge},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	char line[128];

	fputs(usage_head, out);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		snprintf(line, sizeof(line), "%s %s", commands[i].name,
			 commands[i].args);
		/* A long synopsis gets its line to itself. */
		if (strlen(line) > 22)
			fprintf(out, "  %s\n  %-22s %s\n", line, "",
				commands[i].brief);
		else
			fprintf(out, "  %-22s %s\n", line, commands[i].brief);
	}
	fputs(usage_tail, out);
}

static void
command_usage(const struct command *c, FILE *out)
{
	fprintf(out, "Usage: cbaseline %s [flags]%s%s\n\n", c->name,
		*c->args ? " " : "", c->args);
	if (c->about)
		fputs(c->about, out);
	else
		fprintf(out, "%s.\n", c->brief);
	fputs("\nFlags (before or after NAME; \"--\" ends them):\n", out);
	cli_print_flags(c->flags, c->nflags, out);
	fputs("  -store DIR\n    \tthe store (default $CSTAT_STORE, else "
	      ".cstat)\n  -h, -help, --help\n    \tprint this and exit\n",
	      out);
}

/*
 * How flag argument a of command c is read: 1 its value is the next
 * argument, 0 none, -1 no flag of c or of the tool it passes flags to.
 */
static int
flag_arity(const struct command *c, const char *a)
{
	char *q[2] = {(char *)a, NULL};
	int k = cli_flag_arity(c->flags, c->nflags, a);

	if (k < 0 && c->pass == PASS_CSTAT)
		k = cstat_tool_main(CLI_QUERY_FLAG, q);
	if (k < 0 && c->pass == PASS_CREGRESS)
		k = cregress_tool_main(CLI_QUERY_FLAG, q);
	return k;
}

/* Whether flag argument a is named name ("-name", "--name=v"). */
static bool
flag_is(const char *a, const char *name)
{
	size_t l = strlen(name);

	a += (a[0] == '-') + (a[0] == '-' && a[1] == '-');
	return strncmp(a, name, l) == 0 && (a[l] == '\0' || a[l] == '=');
}

/* A command's arguments, flags first (run_command()). */
struct args {
	char **v;
	int n;
	char **joined; /* "-flag=value" strings made, to free */
	size_t njoined;
};

/*
 * Reads command c's arguments v[1..n): its flags and the flags it passes
 * on, wherever they are, and NAME and FILES, into a->v: the command, the
 * flags (a flag and its value joined as "-flag=value"), "--", then NAME
 * and FILES in their order.  -store DIR sets s->dir.
 * @return 0; 1 after printing c's usage (-h); 2 after a usage error.
 */
static int
read_args(const struct command *c, struct store *s, int n, char **v,
	  struct args *a)
{
	char **pos = calloc((size_t)n + 1, sizeof(char *));
	int np = 0, i = 1;

	a->v = calloc((size_t)n + 2, sizeof(char *));
	a->joined = calloc((size_t)n + 1, sizeof(char *));
	a->n = 0;
	a->njoined = 0;
	if (!pos || !a->v || !a->joined) {
		free(pos);
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		return 2;
	}
	a->v[a->n++] = v[0];
	for (; i < n; i++) {
		const char *x = v[i];
		if (strcmp(x, "--") == 0) {
			i++;
			break;
		}
		if (x[0] != '-' || x[1] == '\0') {
			pos[np++] = v[i];
			continue;
		}
		if (flag_is(x, "h") || flag_is(x, "help")) {
			free(pos);
			return 1;
		}
		int k = flag_is(x, "store") ? !strchr(x, '=')
					    : flag_arity(c, x);
		if (k < 0) {
			fprintf(stderr,
				"%s %s: flag provided but not defined: %s\n\n",
				PROG, c->name, x);
			command_usage(c, stderr);
			free(pos);
			return 2;
		}
		if (k && i + 1 >= n) {
			fprintf(stderr, "%s %s: flag needs an argument: %s\n",
				PROG, c->name, x);
			free(pos);
			return 2;
		}
		const char *value = k ? v[++i] : strchr(x, '=') + 1;
		if (flag_is(x, "store")) {
			s->dir = value;
			continue;
		}
		if (k) {
			size_t len = strlen(x) + strlen(value) + 2;
			char *j = malloc(len);
			if (!j) {
				free(pos);
				fprintf(stderr, "%s: %s\n", PROG,
					cstat_strerror(CSTAT_ENOMEM));
				return 2;
			}
			snprintf(j, len, "%s=%s", x, value);
			a->joined[a->njoined++] = j;
			x = j;
		}
		a->v[a->n++] = (char *)x;
	}
	a->v[a->n++] = (char *)"--";
	for (int k = 0; k < np; k++)
		a->v[a->n++] = pos[k];
	for (; i < n; i++)
		a->v[a->n++] = v[i];
	free(pos);
	return 0;
}

static void
args_free(struct args *a)
{
	for (size_t i = 0; i < a->njoined; i++)
		free(a->joined[i]);
	free(a->joined);
	free(a->v);
}

/* Command c on the store directory dir (db_command()'s callback). */
struct db_call {
	const struct command *c;
	struct store *s;
};

static int
run_in_dir(void *ctx, const char *dir, const char *cmd, int n, char **v)
{
	struct db_call *k = ctx;
	struct store s = {dir, {0}};

	(void)k->s;
	return k->c->run(&s, cmd, n, v);
}

/* Runs command cmd, v[0..n) its name and arguments: the exit status. */
static int
run_command(struct store *s, const char *cmd, int n, char **v)
{
	const struct command *c = NULL;
	struct args a = {0};

	for (size_t i = 0; i < NCOMMANDS && !c; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			c = &commands[i];
	if (!c) {
		fprintf(stderr, "%s: unknown command \"%s\"\n\n", PROG, cmd);
		usage(stderr);
		return 2;
	}
	int rc = read_args(c, s, n, v, &a);
	if (rc == 1) {
		command_usage(c, stdout);
		rc = 0;
	} else if (rc == 0 && cstat_store_scheme(s->dir) &&
		   strcmp(cstat_store_scheme(s->dir), "file") != 0) {
		struct db_call k = {c, s};
		rc = db_command(s->dir, cmd, a.n, a.v, run_in_dir, &k);
	} else if (rc == 0) {
		rc = c->run(s, cmd, a.n, a.v);
	}
	args_free(&a);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("CSTAT_STORE");
	int i = 1;

	gsl_set_error_handler_off();
	if (!dir || !*dir)
		dir = ".cstat";
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (flag_is(a, "h") || flag_is(a, "help")) {
			usage(stdout);
			return 0;
		}
		if (cli_version(PROG, 2, (char *[]){argv[0], argv[i]}, NULL, 0))
			return cli_finish_stdout(PROG, 0);
		if (flag_is(a, "store") && strchr(a, '=')) {
			dir = strchr(a, '=') + 1;
			i++;
		} else if (flag_is(a, "store") && i + 1 < argc) {
			dir = argv[i + 1];
			i += 2;
		} else {
			fprintf(stderr, "%s: unknown flag %s\n\n", PROG,
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	struct store s = {dir, {0}};
	int rc = run_command(&s, argv[i], argc - i, argv + i);
	/* Output that did not reach stdout (a full disk, a closed pipe) is a
	 * failure; 2 and above were reported already. */
	return rc < 2 ? cli_finish_stdout(PROG, rc) : rc;
}
