#!/bin/sh
# cbaseline-git-store.sh - publish a job's runs to the store kept on a git
# branch, losing none: fetch the branch, merge the job's store into it
# (cbaseline merge), commit, push; when another job pushed first, the push
# is rejected, and the script fetches, merges and pushes again.
#
# usage: cbaseline-git-store.sh RUN_STORE [TREE]
#   RUN_STORE  a store holding this job's runs (cbaseline -store RUN_STORE
#              record ...); it is never changed
#   TREE       where the branch is checked out, a worktree of the current
#              repository (default .cstat-branch); afterwards it is the
#              merged store: cbaseline -store TREE history main
# environment: CSTAT_BRANCH (default cstat-store), CSTAT_REMOTE (origin),
#   CBASELINE (cbaseline), CSTAT_PUSH_TRIES (10), CSTAT_PUSH_WAIT (seconds
#   per try before the next, default the try's number).
set -eu
run_store=$1
tree=${2:-.cstat-branch}
branch=${CSTAT_BRANCH:-cstat-store}
remote=${CSTAT_REMOTE:-origin}
cb=${CBASELINE:-cbaseline}
tries=${CSTAT_PUSH_TRIES:-10}
ref=refs/cstat/$branch

[ -e "$tree/.git" ] || git worktree add -q --detach "$tree" HEAD
try=1
while :; do
	# The branch as the remote has it now, or a new branch.
	if git ls-remote --exit-code "$remote" "refs/heads/$branch" >/dev/null; then
		git fetch -q --depth 1 "$remote" "+refs/heads/$branch:$ref"
		git -C "$tree" checkout -q -f --detach "$ref"
	else
		git -C "$tree" checkout -q -f --orphan "cstat-new-$$-$try"
		git -C "$tree" rm -q -r -f --cached --ignore-unmatch .
	fi
	git -C "$tree" clean -q -f -d -x
	[ -e "$tree/.gitignore" ] || printf '*.lock\n*.tmp.*\n' >"$tree/.gitignore"
	# Every run of both, once: merging is idempotent and order-free.
	"$cb" -store "$tree" merge "$run_store"
	git -C "$tree" add -A
	if git -C "$tree" rev-parse -q --verify HEAD >/dev/null &&
		git -C "$tree" diff --cached --quiet; then
		echo "cbaseline-git-store: $branch already has these runs" >&2
		exit 0
	fi
	git -C "$tree" -c user.name="${GIT_AUTHOR_NAME:-cstat}" \
		-c user.email="${GIT_AUTHOR_EMAIL:-cstat@localhost}" \
		commit -q -m "cstat: runs of ${GITHUB_SHA:-$(git rev-parse HEAD)}"
	if git -C "$tree" push -q "$remote" "HEAD:refs/heads/$branch"; then
		echo "cbaseline-git-store: pushed to $branch (try $try)" >&2
		exit 0
	fi
	if [ "$try" -ge "$tries" ]; then
		echo "cbaseline-git-store: gave up after $tries tries" >&2
		exit 1
	fi
	echo "cbaseline-git-store: push rejected (another job pushed" \
		"first); fetching and merging again" >&2
	sleep "${CSTAT_PUSH_WAIT:-$try}"
	try=$((try + 1))
done
