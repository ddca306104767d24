# Shell functions the database benchmark scripts share (sourced, with
# $work set to the script's work directory).

mid() { # the median of the numbers on stdin
	sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# KEY COMMAND...: one timed run of COMMAND (its output dropped), appended
# to $work/KEY as "WALL CPU RSS": wall and CPU time (perf's task-clock,
# every thread) in ms, peak RSS in MB.
one() {
	local key=$1 s e
	shift
	s=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$work/rss" perf stat -x, -e task-clock \
		-o "$work/cpu" "$@" >/dev/null 2>"$work/err" || {
		cat "$work/err" >&2
		return 1
	}
	e=$(date +%s%N)
	echo "$(((e - s) / 1000000)) $(awk -F, '/task-clock/ {printf "%d", $1}' \
		"$work/cpu") $(($(tail -1 "$work/rss") / 1024))" >>"$work/$key"
}
