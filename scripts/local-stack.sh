# Sourced by the study scripts (not run): the project's own local stack for a study that runs plain JMH against it.
# local_stack_up DIR LOG starts it in DIR (its output to LOG), waits for its endpoints or fails with one line when the
# stack exits first, and exports them; it sets FORK_JVM, the options every fork of the study takes (the benchmarks' own
# heap and collector, BenchParams.FORK_JVM, and one preload folder shared by the forks, as bench shares it).
# local_stack_down stops the stack and removes DIR (endpoints.env holds passwords) and the preload folder, on every exit
# path when a script puts it in its EXIT trap.
local_stack_up() {
  STACK_DIR=$1
  rm -rf "$STACK_DIR"
  PRELOAD_DIR=$(mktemp -d)
  FORK_JVM="-Xms1g -Xmx1g -XX:+UseParallelGC -Dsessionbench.preload=$PRELOAD_DIR"
  java -jar target/benchmarks.jar stack up --dir "$STACK_DIR" > "$2" 2>&1 &
  local pid=$!
  until [ -f "$STACK_DIR/endpoints.env" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "the local stack did not start: see $2" >&2; return 2; }
    sleep 1
  done
  set -a; . "$STACK_DIR/endpoints.env"; set +a
}

local_stack_down() {
  [ -n "${STACK_DIR:-}" ] || return 0
  java -jar target/benchmarks.jar stack down --dir "$STACK_DIR" > /dev/null 2>&1 || true
  rm -rf "$STACK_DIR" "${PRELOAD_DIR:-}"
}
