# Shell functions the database benchmark scripts share (sourced, with
# $work set to the script's work directory).

mid() { # the median of the numbers on stdin
	sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# FILE: "WALL CPU" in ms from the report perf stat wrote to FILE (without
# -x): the command's wall time as perf times it (from its exec to its
# exit) and its task-clock (every thread).  A clock read around perf
# itself would add perf's own start and exit, about 30 ms on these
# machines, to every command (docs/performance.md "Record through a
# pooler, the client's part").
perf_times() {
	awk '$2 == "msec" && $3 == "task-clock" {gsub(",", "", $1); c = $1}
	     $2 $3 $4 == "secondstimeelapsed" {gsub(",", "", $1); w = $1 * 1000}
	     END {printf "%d %d\n", w, c}' "$1"
}

# KEY COMMAND...: one timed run of COMMAND (its output dropped), appended
# to $work/KEY as "WALL CPU RSS": wall and CPU time (perf_times()) in ms,
# peak RSS in MB.
one() {
	local key=$1
	shift
	/usr/bin/time -f "%M" -o "$work/rss" perf stat -e task-clock \
		-o "$work/cpu" "$@" >/dev/null 2>"$work/err" || {
		cat "$work/err" >&2
		return 1
	}
	echo "$(perf_times "$work/cpu") $(($(tail -1 "$work/rss") / 1024))" \
		>>"$work/$key"
}
