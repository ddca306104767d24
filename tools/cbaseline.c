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
 * Exit codes: 0 success (gate: no regression); 1 gate: a regression;
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

#include "cli.h"
#include "cstat.h"
#include "store-util.h"
#include "tools.h"

#define PROG "cbaseline"

static const char usage_text[] =
	"Usage: cbaseline [-store DIR] COMMAND [flags] ARGS\n"
	"\n"
	"Commands:\n"
	"  save NAME FILES...      save FILES as baseline NAME (replacing it)\n"
	"  list                    list baselines and histories\n"
	"  show NAME               print baseline NAME's summary table\n"
	"  rm NAME                 remove baseline NAME\n"
	"  compare NAME FILES...   cstat with baseline NAME as the first "
	"column\n"
	"                          (cstat's flags go before FILES)\n"
	"  gate NAME FILES...      cregress against baseline NAME (cregress's "
	"flags and\n"
	"                          exit codes), with history NAME's run-to-run "
	"noise\n"
	"                          when it exists (-history OTHER|FILE|none)\n"
	"  record NAME FILES...    append FILES as a run to history NAME\n"
	"  history NAME            per benchmark: runs, first, last, median, "
	"sparkline\n"
	"  detect [-since N] NAME  change points in history NAME (-since N: "
	"last N runs)\n"
	"  prune -keep N NAME      keep the last N runs of history NAME\n"
	"  export -format html|csv|json NAME\n"
	"                          history NAME as a dashboard page, CSV or "
	"JSON\n"
	"\n"
	"Flags of a command come before NAME.  save and record take -m "
	"key=value\n"
	"(repeatable): commit=, branch=, created= and any other key; commit "
	"and branch\n"
	"default to $GITHUB_SHA / $CI_COMMIT_SHA and\n"
	"$GITHUB_REF_NAME / $CI_COMMIT_REF_NAME.  compare and gate warn when "
	"the\n"
	"baseline was recorded on another machine (cpu, goos, goarch); -strict "
	"makes\n"
	"that an error.\n"
	"\n"
	"The store is -store DIR, else $CSTAT_STORE, else ./.cstat.\n"
	"\n"
	"Exit status: 0 success; 1 gate found a regression; 2 usage error, "
	"unreadable\n"
	"input, corrupt store file, or -strict and another machine.\n";

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

static int
make_dirs(const struct store *s, const char *kind)
{
	char path[4096];

	if (mkdir(s->dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, s->dir,
			strerror(errno));
		return 2;
	}
	/* Each level checked before the next is made in it. */
	if (store_refuse_link(s->dir))
		return 2;
	snprintf(path, sizeof(path), "%s/%s", s->dir, kind);
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, path,
			strerror(errno));
		return 2;
	}
	return store_refuse_link(path);
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
 * Reads every input into a new run.  With first_only, each input is read
 * to its first result only, quietly: enough for the run's environment
 * (goos, goarch, cpu come from the first result that has them), when
 * another tool reads the inputs in full and reports their lines.
 * @return 0 or 2 (reported).
 */
static int
read_run(char **args, int n, bool first_only, cstat_run **out)
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
				if (!first_only)
					store_print_diag(&d);
				rc = 0;
				continue;
			}
			if (rc < 0)
				break;
			rc = cstat_run_add(run, res, r);
			if (first_only)
				break;
		}
		if (rc && !first_only) {
			store_print_error(rc, &d);
			told = true;
		}
	}
	if (!rc && !first_only && cstat_run_count(run) == 0) {
		fprintf(stderr, "%s: no benchmark results in the inputs\n",
			PROG);
		rc = CSTAT_EINVAL;
		told = true;
	}
	cstat_reader_free(r);
	cstat_inputs_free(in);
	if (rc) {
		if (!told && !first_only)
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
		fputs(usage_text, stdout);
		exit(0);
	}
	return 0;
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
	if (read_run(argv + first + 1, argc - first - 1, false, &run))
		return 2;
	rc = set_meta(run, name, &m);
	bool record = strcmp(cmd, "record") == 0;
	if (!rc)
		rc = make_dirs(s, record ? "history" : "baselines");
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
		fprintf(stderr, "%s: %s %s: %zu values\n", PROG,
			record ? "recorded a run in" : "saved", path,
			cstat_run_count(run));
	cstat_run_free(run);
	return rc ? 2 : 0;
}

static int
cmd_list(struct store *s)
{
	static const char *const kinds[] = {"baselines", "history"};
	char dir[4096];

	for (size_t k = 0; k < 2; k++) {
		snprintf(dir, sizeof(dir), "%s/%s", s->dir, kinds[k]);
		if (store_check_dirs(s->dir, kinds[k]))
			return 2;
		DIR *dp = opendir(dir);
		struct dirent *e;
		char *names[4096];
		size_t n = 0;
		if (!dp)
			continue;
		while ((e = readdir(dp)) != NULL && n < 4096) {
			const char *ext = k ? ".jsonl" : ".json";
			size_t l = strlen(e->d_name), el = strlen(ext);
			if (l > el && strcmp(e->d_name + l - el, ext) == 0 &&
			    e->d_name[0] != '.')
				names[n++] = strndup(e->d_name, l - el);
		}
		closedir(dp);
		for (size_t i = 1; i < n; i++)
			for (size_t j = i;
			     j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				char *t = names[j];
				names[j] = names[j - 1];
				names[j - 1] = t;
			}
		for (size_t i = 0; i < n; i++) {
			struct cstat_diag d;
			const char *path = store_path(s, kinds[k], names[i],
						      k ? ".jsonl" : ".json");
			if (k == 0) {
				cstat_run *r;
				if (cstat_run_load(&r, path, &d) == 0) {
					const char *c =
						cstat_run_get(r, "commit");
					printf("baseline  %-24s %s  %zu "
					       "values%s%s\n",
					       names[i],
					       cstat_run_get(r, "created")
						       ? cstat_run_get(
								 r, "created")
						       : "-",
					       cstat_run_count(r),
					       c ? "  commit " : "",
					       c ? c : "");
					cstat_run_free(r);
				} else {
					printf("baseline  %-24s (unreadable: "
					       "%s)\n",
					       names[i], d.message);
				}
			} else {
				cstat_run **runs;
				size_t nr;
				if (cstat_history_load(path, &runs, &nr, NULL,
						       NULL, &d) == 0) {
					printf("history   %-24s %zu runs%s%s\n",
					       names[i], nr,
					       nr ? ", last " : "",
					       nr && cstat_run_get(runs[nr - 1],
								   "created")
						       ? cstat_run_get(
								 runs[nr - 1],
								 "created")
						       : "");
					cstat_history_free(runs, nr);
				} else {
					printf("history   %-24s (unreadable: "
					       "%s)\n",
					       names[i], d.message);
				}
			}
			free(names[i]);
		}
	}
	return 0;
}

/* Boolean flags of cstat and cregress: they take no value. */
static bool
bool_flag(const char *a)
{
	static const char *const b[] = {"samples", "aa", "strict", "h", "help"};
	while (*a == '-')
		a++;
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (strcmp(a, b[i]) == 0)
			return true;
	return false;
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

/*
 * compare and gate: cstat or cregress with the baseline as the first input.
 * The arguments after NAME are the tool's flags, then FILES.
 */
static int
cmd_compare(struct store *s, const char *cmd, int argc, char **argv)
{
	bool gate = strcmp(cmd, "gate") == 0, strict = false;
	const char *history = NULL;
	struct cstat_diag d;
	cstat_run *base, *cur;
	int i = 1, rc;

	if (argc < 3 || !store_valid_name(argv[1])) {
		fprintf(stderr, "%s: %s NAME [flags] FILES...: %s\n", PROG, cmd,
			argc < 3 ? "need a name and files" : "bad name");
		return 2;
	}
	const char *name = argv[1];
	char *path = strdup(store_path(s, "baselines", name, ".json"));
	char **args = calloc((size_t)argc + 4, sizeof(char *));
	int na = 0;
	if (!path || !args)
		return 2;
	args[na++] = (char *)(gate ? "cregress" : "cstat");
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "-strict") == 0 || strcmp(a, "--strict") == 0) {
			strict = true;
			if (!gate)
				continue; /* ours alone for compare */
		}
		if (gate && history_flag(argv, argc, &i, &history))
			continue;
		args[na++] = argv[i];
		if (!strchr(a, '=') && !bool_flag(a) && i + 1 < argc)
			args[na++] = argv[++i];
	}
	if (i >= argc) {
		fprintf(stderr, "%s: %s: need files to compare\n", PROG, cmd);
		free(args);
		free(path);
		return 2;
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
	/* The same machine?  The first result of each new file tells;
	 * the tool below reads them in full (and reports any error). */
	if (read_run(argv + i, argc - i, true, &cur) == 0) {
		char diff[1024];
		if (cstat_run_env_diff(base, cur, diff, sizeof(diff)) > 0) {
			fprintf(stderr,
				"%s: %s: baseline %s was recorded on another "
				"machine: %s\n",
				PROG, strict ? "error" : "warning", name, diff);
			if (strict) {
				cstat_run_free(cur);
				cstat_run_free(base);
				free(args);
				free(path);
				return 2;
			}
		}
		cstat_run_free(cur);
	}
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
	rc = gate ? cregress_tool_main(na, args) : cstat_tool_main(na, args);
	/* cstat says 1 for an unreadable input; cbaseline says 2. */
	if (!gate && rc == 1)
		rc = 2;
	free(label);
	free(hpath);
	free(args);
	free(path);
	return rc;
}

static int
cmd_show(struct store *s, int argc, char **argv)
{
	if (argc < 2 || !store_valid_name(argv[1])) {
		fprintf(stderr, "%s: show NAME [cstat flags]\n", PROG);
		return 2;
	}
	char *path = strdup(store_path(s, "baselines", argv[1], ".json"));
	char *label = malloc(strlen(argv[1]) + strlen(path ? path : "") + 2);
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
	sprintf(label, "%s=%s", argv[1], path);
	args[na++] = (char *)"cstat";
	for (int i = 2; i < argc; i++)
		args[na++] = argv[i];
	args[na++] = label;
	rc = cstat_tool_main(na, args);
	free(args);
	free(label);
	free(path);
	return rc == 1 ? 2 : rc;
}

static int
cmd_rm(struct store *s, int argc, char **argv)
{
	if (argc != 2 || !store_valid_name(argv[1])) {
		fprintf(stderr, "%s: rm NAME\n", PROG);
		return 2;
	}
	if (store_check_dirs(s->dir, "baselines"))
		return 2;
	const char *path = store_path(s, "baselines", argv[1], ".json");
	if (unlink(path)) {
		fprintf(stderr, "%s: rm %s: %s\n", PROG, path, strerror(errno));
		return 2;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* History */

/* A Unicode sparkline of the values, NaN as a space. */
static void
sparkline(const double *v, size_t n, char *buf, size_t size)
{
	static const char *const bars[] = {"▁", "▂", "▃", "▄",
					   "▅", "▆", "▇", "█"};
	double lo = INFINITY, hi = -INFINITY;
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 4 < size; i++) {
		const char *b = " ";
		if (!isnan(v[i])) {
			int k = hi > lo ? (int)floor((v[i] - lo) / (hi - lo) *
						     7.999)
					: 3;
			b = bars[k < 0 ? 0 : k > 7 ? 7 : k];
		}
		len += (size_t)snprintf(buf + len, size - len, "%s", b);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int
cmd_history(struct store *s, int argc, char **argv)
{
	cstat_run **runs;
	cstat_tables *t;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "%s: history NAME\n", PROG);
		return 2;
	}
	if (store_read_history(s->dir, argv[1], &t, &runs, &n))
		return 2;
	printf("history %s: %zu run%s, %s to %s\n", argv[1], n,
	       n == 1 ? "" : "s",
	       cstat_run_get(runs[0], "created")
		       ? cstat_run_get(runs[0], "created")
		       : "?",
	       cstat_run_get(runs[n - 1], "created")
		       ? cstat_run_get(runs[n - 1], "created")
		       : "?");
	double *v = malloc(n * sizeof(double)),
	       *sorted = malloc(n * sizeof(double));
	char spark[4 * 512];
	for (size_t i = 0; v && sorted && i < cstat_tables_count(t); i++) {
		const char *unit = cstat_table_unit(t, i);
		size_t cols = cstat_table_cols(t, i);
		/* With several tables, name each by its configuration too. */
		char head[1024];
		size_t hl = (size_t)snprintf(head, sizeof(head), "%s", unit);
		const char *kn, *kv;
		for (size_t k = 0; cstat_tables_count(t) > 1 &&
				   cstat_table_key(t, i, k, &kn, &kv) == 0 &&
				   hl < sizeof(head);
		     k++)
			hl += (size_t)snprintf(head + hl, sizeof(head) - hl,
					       "%s%s:%s", k ? " " : " [", kn,
					       kv);
		if (cstat_tables_count(t) > 1 && hl + 1 < sizeof(head) &&
		    strchr(head, '['))
			strcat(head, "]");
		printf("\n%-40s %5s %10s %10s %10s  %s\n", head, "runs",
		       "first", "last", "median", "trend");
		for (size_t r = 0; r < cstat_table_rows(t, i); r++) {
			size_t m = 0;
			double first = NAN, last = NAN;
			for (size_t c = 0; c < cols; c++) {
				struct cstat_cell cell;
				cstat_table_cell(t, i, r, c, &cell);
				v[c] = cell.present ? cell.center : NAN;
				if (cell.present) {
					if (isnan(first))
						first = cell.center;
					last = cell.center;
					sorted[m++] = cell.center;
				}
			}
			qsort(sorted, m, sizeof(double), cmp_double);
			double med =
				m % 2 ? sorted[m / 2]
				      : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
			/* Sparklines show at most the last 60 runs. */
			size_t from = cols > 60 ? cols - 60 : 0;
			sparkline(v + from, cols - from, spark, sizeof(spark));
			char f[64], l[64], md[64];
			cstat_format_value(first, unit, f, sizeof(f));
			cstat_format_value(last, unit, l, sizeof(l));
			cstat_format_value(med, unit, md, sizeof(md));
			printf("%-40s %5zu %10s %10s %10s  %s\n",
			       cstat_table_row_label(t, i, r), m, f, l, md,
			       spark);
		}
	}
	free(v);
	free(sorted);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	return 0;
}

static int
cmd_prune(struct store *s, int argc, char **argv)
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
		if (parse_flags("prune", argc - 1, argv + 1, flags, 1, &first))
			return 2;
		first = first == argc - 1 ? 1 : -1;
	} else {
		if (parse_flags("prune", argc, argv, flags, 1, &first))
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
	int rc = cstat_history_prune(path, (size_t)keep, &removed, &d);
	if (rc) {
		store_print_error(rc, &d);
		return 2;
	}
	fprintf(stderr, "%s: pruned %zu run%s from %s\n", PROG, removed,
		removed == 1 ? "" : "s", path);
	return 0;
}

static int run_command(struct store *s, const char *cmd, int n, char **v);

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
		while (*a == '-')
			a++;
		if (strcmp(a, "h") == 0 || strcmp(a, "help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strncmp(a, "store=", 6) == 0) {
			dir = a + 6;
			i++;
		} else if (strcmp(a, "store") == 0 && i + 1 < argc) {
			dir = argv[i + 1];
			i += 2;
		} else {
			fprintf(stderr, "%s: unknown flag %s\n\n%s", PROG,
				argv[i], usage_text);
			return 2;
		}
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	struct store s = {dir, {0}};
	int rc = run_command(&s, argv[i], argc - i, argv + i);
	/* Output that did not reach stdout (a full disk, a closed pipe) is a
	 * failure; 2 and above were reported already. */
	return rc < 2 ? cli_finish_stdout(PROG, rc) : rc;
}

/* Runs command cmd, v[0..n) its name and arguments: the exit status. */
static int
run_command(struct store *s, const char *cmd, int n, char **v)
{
	const char *dir = s->dir;

	if (strcmp(cmd, "save") == 0 || strcmp(cmd, "record") == 0)
		return cmd_save(s, cmd, n, v);
	if (strcmp(cmd, "list") == 0)
		return n == 1 ? cmd_list(s) : 2;
	if (strcmp(cmd, "show") == 0)
		return cmd_show(s, n, v);
	if (strcmp(cmd, "rm") == 0)
		return cmd_rm(s, n, v);
	if (strcmp(cmd, "compare") == 0 || strcmp(cmd, "gate") == 0)
		return cmd_compare(s, cmd, n, v);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(s, n, v);
	if (strcmp(cmd, "prune") == 0)
		return cmd_prune(s, n, v);
	if (strcmp(cmd, "detect") == 0 || strcmp(cmd, "export") == 0)
		return cbaseline_analyze(dir, cmd, n, v);
	fprintf(stderr, "%s: unknown command \"%s\"\n\n%s", PROG, cmd,
		usage_text);
	return 2;
}
