#!/bin/sh
# cbaseline-cache-records.sh - merge into STORE the runs that earlier jobs
# uploaded as GitHub Actions artifacts (one store per job, named
# cstat-run-*): the runs a store restored from the cache lacks when two
# jobs ran at once and the cache kept only one job's store.
#
# usage: cbaseline-cache-records.sh STORE
# Needs gh, jq-style filtering (gh's --jq) and unzip; GH_TOKEN with
# "actions: read"; GITHUB_REPOSITORY.  Only artifacts of runs of this
# repository (not of forks) on branch CSTAT_BRANCH (default
# $GITHUB_REF_NAME) are merged, and not expired ones.
# environment: CBASELINE (cbaseline), CSTAT_ARTIFACT_PREFIX (cstat-run-).
set -eu
store=$1
cb=${CBASELINE:-cbaseline}
prefix=${CSTAT_ARTIFACT_PREFIX:-cstat-run-}
branch=${CSTAT_BRANCH:-$GITHUB_REF_NAME}
api=repos/$GITHUB_REPOSITORY/actions/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gh api --paginate "$api?per_page=100" --jq ".artifacts[]
	| select(.expired | not)
	| select(.name | startswith(\"$prefix\"))
	| select(.workflow_run.head_branch == \"$branch\")
	| select(.workflow_run.head_repository_id == .workflow_run.repository_id)
	| .id" >"$tmp/ids"
failed=0
while read -r id; do
	gh api "$api/$id/zip" >"$tmp/$id.zip"
	mkdir "$tmp/$id"
	unzip -q "$tmp/$id.zip" -d "$tmp/$id"
	"$cb" -store "$tmp/runs" merge "$tmp/$id" || failed=1
done <"$tmp/ids"
[ "$failed" = 0 ] || echo "cbaseline-cache-records: some artifacts were" \
	"not merged (see above)" >&2
# Then into the store at once: its history is read once, not once per
# artifact.  Merging is idempotent: runs the store has change nothing.
[ ! -d "$tmp/runs" ] || "$cb" -store "$store" merge "$tmp/runs"
