#!/usr/bin/env bash
# The steps of cstat's GitHub Action (action.yml): install the Debian
# packages the build needs, build the tools, then gate a pull request's
# results or record a main-branch run.  Each step is one subcommand, so the
# action's YAML stays a list of one-line steps and a test can replay them
# locally with the same GITHUB_* files GitHub provides.
#
#   cstat-action.sh install|build|gate|record
#
# Inputs come from the environment (action.yml maps each input to one
# variable, so nothing a workflow passes is ever evaluated as shell):
#   CSTAT_INSTALL     "true": install missing packages with apt-get
#   CSTAT_BUILD_DIR   the meson build folder ($RUNNER_TEMP/cstat-build)
#   CSTAT_RESULTS     result files, separated by spaces or newlines
#   CSTAT_BASELINE    a baseline name in the store, or a result/baseline file
#   CSTAT_HISTORY     gate: a history name or file for the noise-aware
#                     threshold ("none": off; empty: cbaseline's default)
#   CSTAT_NAME        record: the history and baseline name
#   CSTAT_STORE       the store folder (cbaseline's own variable)
#   CSTAT_STORE_BRANCH  a git branch holding the store: fetched into the
#                     store folder first, and a record pushed to it
#   CSTAT_THRESHOLD   -threshold values, one per line or space
#   CSTAT_CONFIG      a cregress config file
#   CSTAT_ARGS        more cregress flags, split at spaces
#   CSTAT_OUT_DIR     where the report, JUnit file and dashboard go
#   CSTAT_FAIL        "true": the gate step fails on a regression
#   CSTAT_FAIL_ON_ALERT  "true": the record step fails on a new regression
# It writes outputs (status, regressions, alerts, changes, report, junit,
# dashboard) to
# $GITHUB_OUTPUT, the Markdown report to $GITHUB_STEP_SUMMARY, annotations
# to standard output, and CSTAT_BIN (the tools' folder) to $GITHUB_ENV.
set -u

pkgs="meson ninja-build pkg-config gcc libc6-dev libgsl-dev libcjson-dev libcsv-dev libpq-dev"

die() {
	echo "::error title=cstat::$*"
	exit 2
}

# Appends "key=value" to a GitHub file named by variable $1, if it is set.
put() {
	local file=${!1:-}
	[ -n "$file" ] && printf '%s\n' "$2" >>"$file"
	return 0
}

step_install() {
	if [ "${CSTAT_INSTALL:-true}" != true ]; then
		echo "cstat: install: skipped (install: ${CSTAT_INSTALL})"
		return 0
	fi
	command -v dpkg-query >/dev/null || die "install: not a Debian or Ubuntu runner; install $pkgs yourself and set install: false"
	local missing="" p
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		echo "cstat: install: every package is already installed"
		return 0
	fi
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "cstat: install:$missing"
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null ||
		die "install: apt-get install$missing failed"
}

build_dir() {
	echo "${CSTAT_BUILD_DIR:-${RUNNER_TEMP:-/tmp}/cstat-build}"
}

step_build() {
	local src build
	src=$(cd "$(dirname "$0")/.." && pwd)
	build=$(build_dir)
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$src" --buildtype=release -Dtests=false >/dev/null ||
			die "build: meson setup failed"
	fi
	meson compile -C "$build" >/dev/null || die "build: compiling cstat failed"
	put GITHUB_ENV "CSTAT_BIN=$build/tools"
	echo "cstat: built $build/tools/cstat, cregress and cbaseline"
}

bin() {
	echo "${CSTAT_BIN:-$(build_dir)/tools}/$1"
}

# The result files, as an array, each checked to exist.
read_results() {
	results=()
	local f
	for f in ${CSTAT_RESULTS:-}; do
		[ -e "$f" ] || die "results: no such file: $f"
		results+=("$f")
	done
	[ ${#results[@]} -gt 0 ] || die "results: no result files given"
}

# The gate's flags from the inputs.
gate_flags() {
	flags=()
	local t
	for t in ${CSTAT_THRESHOLD:-}; do
		flags+=(-threshold "$t")
	done
	[ -z "${CSTAT_CONFIG:-}" ] || flags+=(-config "$CSTAT_CONFIG")
	# Extra flags split at white space, never evaluated.
	read -r -a extra <<<"${CSTAT_ARGS:-}"
	flags+=("${extra[@]}")
}

out_dir() {
	local out=${CSTAT_OUT_DIR:-${RUNNER_TEMP:-/tmp}/cstat}
	mkdir -p "$out" || die "cannot create $out"
	echo "$out"
}

# The history of a store name, if the store has one.
history_file() {
	local f="${CSTAT_STORE:-.cstat}/history/$1.jsonl"
	[ -f "$f" ] && echo "$f"
}

# Writes the dashboard of history NAME to $1 when it exists: its path.
dashboard() {
	local name=$1 file=$2
	[ -n "$(history_file "$name")" ] || return 0
	"$(bin cbaseline)" export -format html "$name" >"$file" && echo "$file"
}

# store-branch: the store kept on a git branch of the repository (the
# lossless recipe of docs/cbaseline.md).  Its content, when the branch
# exists, seeds the store folder before a gate or a record.
fetch_store() {
	local branch=${CSTAT_STORE_BRANCH:-} store=${CSTAT_STORE:-.cstat}
	local remote=${CSTAT_REMOTE:-origin}
	[ -n "$branch" ] || return 0
	mkdir -p "$store" || die "cannot create $store"
	if git ls-remote --exit-code "$remote" "refs/heads/$branch" >/dev/null; then
		git fetch -q --depth 1 "$remote" "+refs/heads/$branch:refs/cstat/fetched" &&
			git archive refs/cstat/fetched | tar -x -C "$store" ||
			die "store-branch: cannot fetch branch $branch into $store"
		echo "cstat: store: branch $branch fetched into $store"
	else
		echo "cstat: store: no branch $branch on $remote yet; this run starts it"
	fi
}

# After a record: every run of the store onto the branch, merged with what
# other jobs pushed meanwhile (cbaseline merge is idempotent), retried
# until the push lands (tools/cbaseline-git-store.sh).
publish_store() {
	local branch=${CSTAT_STORE_BRANCH:-}
	[ -n "$branch" ] || return 0
	CBASELINE=$(bin cbaseline) CSTAT_BRANCH=$branch \
		sh "$(dirname "$0")/cbaseline-git-store.sh" "${CSTAT_STORE:-.cstat}" \
		"${RUNNER_TEMP:-/tmp}/cstat-branch" ||
		die "store-branch: could not push the run to branch $branch"
}

step_gate() {
	local out base=${CSTAT_BASELINE:-main} hist=${CSTAT_HISTORY:-} status
	read_results
	gate_flags
	out=$(out_dir) || exit 2
	[ -f "$base" ] || fetch_store
	local report=$out/report.md junit=$out/junit.xml json=$out/report.json
	rm -f "$report" "$junit" "$json"
	flags+=(-o "markdown:$report" -o "junit:$junit" -o "json:$json" -format github)
	if [ -f "$base" ]; then
		# A file: cregress, with a history file or store name for noise.
		if [ -n "$hist" ] && [ "$hist" != none ]; then
			[ -f "$hist" ] || hist=$(history_file "$hist") ||
				die "history: no such file or history: ${CSTAT_HISTORY}"
			flags+=(-history "$hist")
		fi
		"$(bin cregress)" "${flags[@]}" "$base" "${results[@]}"
	else
		[ -z "$hist" ] || flags+=(-history "$hist")
		"$(bin cbaseline)" gate "$base" "${flags[@]}" "${results[@]}"
	fi
	status=$?
	[ -f "$report" ] && put GITHUB_STEP_SUMMARY "$(cat "$report")"
	local n=""
	[ -f "$json" ] && n=$(sed -n 's/.*"regression":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$json" | head -n 1)
	local dash=""
	[ -f "$base" ] || dash=$(dashboard "$base" "$out/dashboard.html")
	put GITHUB_OUTPUT "status=$status"
	put GITHUB_OUTPUT "regressions=$n"
	put GITHUB_OUTPUT "report=$([ -f "$report" ] && echo "$report")"
	put GITHUB_OUTPUT "junit=$([ -f "$junit" ] && echo "$junit")"
	put GITHUB_OUTPUT "dashboard=$dash"
	case $status in
	0) return 0 ;;
	1) [ "${CSTAT_FAIL:-true}" = true ] && exit 1 || return 0 ;;
	*) exit "$status" ;;
	esac
}

step_record() {
	local name=${CSTAT_NAME:-main} out
	read_results
	out=$(out_dir) || exit 2
	fetch_store
	"$(bin cbaseline)" record "$name" "${results[@]}" || exit $?
	"$(bin cbaseline)" save "$name" "${results[@]}" || exit $?
	local report=$out/history.md changes=$out/changes.json status alerts
	"$(bin cbaseline)" history -format markdown "$name" >"$report" || exit $?
	# Alerts: a regression this run made detectable (detect -fail-on new
	# exits 1); its JSON report is what an issue or a chat message needs.
	"$(bin cbaseline)" detect -fail-on new -format json "$name" >"$changes"
	status=$?
	[ "$status" -le 1 ] || exit "$status"
	alerts=$(sed -n 's/.*"alerts":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$changes" | head -n 1)
	if [ "$status" -eq 1 ]; then
		echo "::warning title=cstat::$alerts new regression(s) on $name; see the job summary"
		"$(bin cbaseline)" detect -fail-on new -format markdown "$name" >>"$report"
	fi
	put GITHUB_STEP_SUMMARY "$(cat "$report")"
	put GITHUB_OUTPUT "status=$status"
	put GITHUB_OUTPUT "alerts=${alerts:-0}"
	put GITHUB_OUTPUT "changes=$changes"
	put GITHUB_OUTPUT "report=$report"
	put GITHUB_OUTPUT "dashboard=$(dashboard "$name" "$out/dashboard.html")"
	publish_store
	[ "$status" -eq 1 ] && [ "${CSTAT_FAIL_ON_ALERT:-false}" = true ] && exit 1
	return 0
}

case ${1:-} in
install) step_install ;;
build) step_build ;;
gate) step_gate ;;
record) step_record ;;
*)
	echo "usage: cstat-action.sh install|build|gate|record" >&2
	exit 2
	;;
esac
