#!/usr/bin/env bash
# make stress: the tests that involve processes, signals, timing and the
# shared cache, run many times in a row with the CPUs kept busy beside them
# (STRESS_LOAD shell busy loops, default 2), since what races shows under
# load. A flaky test is a failing test: every run must pass.
#
#   STRESS_COUNT      runs of the process tests (internal/proc: leaked daemons,
#                     double forks, process-group kills, grace signals), the
#                     fault suite's leak scenarios, file locks, the progress
#                     ticker and the matrix runner's bounds; default 50
#   STRESS_E2E_COUNT  runs of the end-to-end tests that build gorepro and run
#                     real matrices (interrupts, bisect interrupts, the fault
#                     suite's signal scenarios, the terminal progress, crash
#                     classification with hanging programs, prepare and the
#                     shared cache with concurrent processes, run containers
#                     started early and builder containers, with Podman);
#                     default
#                     STRESS_COUNT/10, at least 1
#   STRESS=short      STRESS_COUNT=5 (what CI runs, a few minutes)
#
# The busy loops are bounded (timeout) and killed when the script ends.
# It prints each group's wall time and, at the end, the groups that failed;
# its exit status is 1 when one did.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
if [ "${STRESS:-}" = short ]; then
  STRESS_COUNT=${STRESS_COUNT:-5}
fi
count=${STRESS_COUNT:-50}
load=${STRESS_LOAD:-2}
for v in "$count" "${STRESS_E2E_COUNT:-0}" "$load"; do
  case "$v" in
    '' | *[!0-9]*) echo "stress: STRESS_COUNT, STRESS_E2E_COUNT and STRESS_LOAD must be whole numbers, not '$v'" >&2; exit 2 ;;
  esac
done
e2e=${STRESS_E2E_COUNT:-$((count / 10))}
if [ "$e2e" -lt 1 ]; then e2e=1; fi

# The busy loops, bounded by the longest the script may take.
busy=()
stop_load() {
  for pid in "${busy[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${busy[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_load EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq "$load"); do
  timeout 4h sh -c 'while :; do :; done' &
  busy+=("$!")
done

failed=()
# group NAME COUNT PACKAGE REGEXP [VAR=VALUE…]: runs the tests of PACKAGE that
# REGEXP selects COUNT times.
group() {
  local name=$1 n=$2 pkg=$3 regexp=$4
  shift 4
  local start=$SECONDS
  echo "stress: $name: ${*:+$* }go test -count=$n -run '$regexp' $pkg"
  if ! env "$@" "$GO" test -count="$n" -timeout 3h -run "$regexp" "$pkg"; then
    failed+=("$name")
  fi
  echo "stress: $name: $((SECONDS - start))s"
}

echo "stress: $count runs of the process tests, $e2e of the end-to-end ones, $load busy loops beside them"
start=$SECONDS
group "leaked processes" "$count" ./internal/proc \
  '^(TestTrackLeavesNoSurvivors|TestTrackKillsWhatEscapesTheGroup|TestKillOrphans|TestRunTimeoutKillsProcessGroup|TestRunGrandchildHoldingPipeDoesNotHang|TestRunGraceSignal|TestRunContextCancel)$'
# One gorepro build, each leak scenario run STRESS_COUNT times (GOREPRO_FAULTS_RUNS).
group "fault suite: leak scenarios" 1 ./internal/faults \
  '^TestFaults$/^(daemon_in_a_new_session|double_fork)' GOREPRO_FAULTS=1 GOREPRO_FAULTS_RUNS="$count"
group "file locks" "$count" ./internal/filelock '.'
group "progress ticker" "$count" ./internal/progress '^TestTicker$'
group "matrix runner: bounds and interruption" "$count" ./internal/matrix '^(TestParallelismBound|TestInterruption|TestWarmTokenNeverReplaced)$'
group "matrix runner: warm cells start without waiting" "$e2e" ./internal/matrix '^TestWarmCellsDoNotWait$'
group "run directory locks" "$count" ./internal/runstore '^(TestBeginRemovesAbandonedRuns|TestAbortAndFailedCommitLeaveNoRun)$'
group "interrupts, terminal progress, concurrent gorepros on one cache" "$e2e" ./internal/cli \
  '^(TestInterruptKeepsFinishedCellsAndResumes|TestInterruptBisect|TestInterruptCommitBisect|TestSIGTERMExits143|TestProgressOnATerminal|TestSharedCacheStress)$'
group "fault suite: signal scenarios" 1 ./internal/faults \
  '^TestFaults$/^(SIGINT|SIGTERM|second_Ctrl-C|SIGKILL_mid-cell)' GOREPRO_FAULTS=1 GOREPRO_FAULTS_RUNS="$e2e"
group "containers: runs started early, builders" "$e2e" ./internal/container '^(TestPrestart|TestBuilder)$'
group "containers: removals in batches" "$e2e" ./internal/container '^TestPodman$/^Removals'
group "classification of hanging and crashing programs" "$e2e" ./internal/classify '^TestEndToEnd$'
group "prepare and the shared cache" "$e2e" ./internal/cellbuild '^(TestBuildPackagePrepareConcurrent|TestBuildPackagePrepareTimeout)$'

echo "stress: $((SECONDS - start))s in all"
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'stress: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "stress: every run passed"
