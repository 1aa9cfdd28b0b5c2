#!/usr/bin/env bash
# The publish job of .github/workflows/benchmarks.yml: adds one bench run to the history on the gh-pages branch of
# 'origin' (the branch is created on first use), rebuilds the site, appends the change points to SUMMARY and pushes.
# Run from a clone of the repository; the branch is checked out in ./pages and removed again afterwards.
# Usage: scripts/publish-history.sh RUN COMMIT [JAR=target/benchmarks.jar] [SUMMARY=/dev/stdout]
set -euo pipefail
run=${1:?usage: publish-history.sh RUN COMMIT [JAR] [SUMMARY]}
commit=${2:?usage: publish-history.sh RUN COMMIT [JAR] [SUMMARY]}
jar=$(realpath "${3:-target/benchmarks.jar}")
summary=${4:-/dev/stdout}
[ -f "$run/jmh.json" ] || { echo "publish-history: $run is not a bench run (no jmh.json)" >&2; exit 2; }
[ -f "$jar" ] || { echo "publish-history: no jar at $jar; build it first (mvn -DskipTests package)" >&2; exit 2; }
[ ! -e pages ] || { echo "publish-history: ./pages exists; remove it (git worktree remove --force pages)" >&2; exit 2; }
trap 'git worktree remove --force pages 2>/dev/null || true' EXIT
if git ls-remote --exit-code --heads origin gh-pages > /dev/null; then
  git fetch -q origin gh-pages:refs/remotes/origin/gh-pages
  git worktree add -q --detach pages origin/gh-pages
else
  git worktree add -q --detach pages
  (cd pages && git switch -q --orphan gh-pages-publish && { git rm -rfq . 2>/dev/null || true; })
fi
java -jar "$jar" history add "$run" --to pages/history --commit "$commit" --branch main
mkdir -p "pages/runs/$(basename "$run")"
cp "$run/report.html" "pages/runs/$(basename "$run")/" 2>/dev/null || true
java -jar "$jar" history build pages/history --out pages
{
  echo "## Change points in the history of main"
  echo
  java -jar "$jar" history changes pages/history | sed 's/^/- /'
} >> "$summary"
cd pages
git add -A
if git commit -qm "history: add ${commit::8}"; then
  git push -q origin HEAD:refs/heads/gh-pages
fi
