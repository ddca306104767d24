#!/usr/bin/env bash
# Runs the tools' main paths under valgrind (the unit tests run under it in
# .ci/run too): every cstat format, cregress's reports, -aa, -plan and -history,
# cstat -v1, and every cbaseline command on a scratch store.  Any memory error or
# definite leak fails (exit 1), naming the command.
#
# usage: tests/valgrind-tools.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
t=$build/tools
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
ex=$src/testdata/examples
cr=$src/testdata/cregress
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0
run() { # EXPECTED_STATUS COMMAND...
	local want=$1
	shift
	$vg "$@" >/dev/null 2>"$work/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL (exit $rc, want $want): $*"
		cat "$work/err"
		fail=1
	fi
}
for f in text csv html markdown json; do
	run 0 "$t/cstat" -format "$f" -stats mean,p90 -samples "$ex/old.txt" "$ex/new.txt"
done
run 0 "$t/cstat" -v1 -html "$cr/base.txt" "$cr/new.txt"
run 0 "$t/cstat" -v1 -delta-test ttest -geomean "$cr/base.txt" "$cr/new.txt"
for f in text markdown json junit github; do
	run 1 "$t/cregress" -format "$f" "$cr/base.txt" "$cr/new.txt"
done
run 0 "$t/cregress" -aa "$cr/new.txt"
for f in text markdown json; do
	run 0 "$t/cregress" -plan 10% -format "$f" "$cr/base.txt" "$cr/new.txt"
done
run 2 "$t/cregress" -plan 0% "$cr/base.txt"
run 2 "$t/cregress" -threshold 5 "$cr/base.txt" "$cr/new.txt"
run 0 "$t/cbaseline" save -m commit=a main "$ex/old.txt"
run 0 "$t/cbaseline" record -m commit=a main "$ex/old.txt"
run 0 "$t/cbaseline" record -m commit=b main "$ex/new.txt"
run 0 "$t/cbaseline" list
run 0 "$t/cbaseline" show main
run 0 "$t/cbaseline" compare main "$ex/new.txt"
run 0 "$t/cbaseline" gate main "$ex/new.txt"
for c in c d e; do
	run 0 "$t/cbaseline" record -m commit=$c main "$ex/new.txt"
done
run 0 "$t/cbaseline" gate main -explain '*' "$ex/new.txt"
for f in text markdown json junit github; do
	run 0 "$t/cregress" -history .cstat/history/main.jsonl -format "$f" "$ex/old.txt" "$ex/new.txt"
done
run 0 "$t/cbaseline" history main
run 0 "$t/cbaseline" detect main
for f in html csv json; do
	run 0 "$t/cbaseline" export -format "$f" main
done
for f in text markdown json csv html; do
	run 0 "$t/cbaseline" forecast -format "$f" -min-runs 3 main
done
run 0 "$t/cbaseline" prune main -keep 1
run 2 "$t/cbaseline" compare nosuch "$ex/new.txt"
if [ "$fail" -eq 0 ]; then
	echo "tools clean under valgrind"
fi
exit "$fail"
