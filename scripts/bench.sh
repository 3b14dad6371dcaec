#!/usr/bin/env bash
# make bench: times, on this machine and in one run,
#   (a) gorepro matrix -j1 --rebuild over local × 3 protobuf × cover off/on × repro
#   (b) a plain shell loop doing the same go build + run per cell by hand
#   (c) the same matrix re-run with the result cache
#   (d) the same matrix with -j2 --rebuild
# and the harness's own peak RSS (VmHWM of the gorepro process, not of the go
# builds it starts). --rebuild makes every cell link its binary again, exactly
# like the hand loop does; plain --no-cache lets the go command skip relinking
# binaries that are up to date, so it is timed too, without a target, next to
# the hand loop writing each cell to its own path (b2), which gets the same
# skip. (f) runs the hand loop as two parallel halves: the ceiling of what two
# concurrent go builds gain on this machine. Each timing is the median of
# $REPS runs. It prints the ratios against the targets and exits 1 when one is
# missed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
BIN=${BIN:-bin/gorepro}
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/gorepro

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOREPRO_CACHE="$tmp/cache"
cat > "$tmp/bench.json" <<'JSON'
{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.33.0", "v1.36.10", "v1.36.12"],
  "cover": [false, true],
  "targets": [{"name": "repro", "kind": "repro"}],
  "runs": 1,
  "timeout": "60s"
}
JSON
matrix() { "$BIN" matrix --config "$tmp/bench.json" --out "$tmp/results" "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # timeit name command...: appends seconds of one run to $tmp/name
  local name=$1; shift
  local t0 t1; t0=$(now); "$@"; t1=$(now)
  calc "$t1 - $t0" >> "$tmp/$name"
}

# Warm-up: module downloads, the Go build cache and the generated reproducers,
# so that every variant below starts from the same warm state.
matrix -j1 --no-cache
mapfile -t dirs < <(for v in v1.33.0 v1.36.10 v1.36.12; do ls -d "$GOREPRO_CACHE"/work/repro/"$v"-* | head -1; done)

# (b): what a person would type, per cell. Cells are "dir:coverflag"; with
# per-cell set, each cell's binary goes to its own path (b2).
cells=()
for d in "${dirs[@]}"; do cells+=("$d:" "$d:-cover"); done
build_and_run() { # build_and_run tag per-cell|shared cell...
  local tag=$1 mode=$2 cell d cover out; shift 2
  mkdir -p "$tmp/cov-$tag"
  for cell in "$@"; do
    d=${cell%%:*}; cover=${cell#*:}
    out="$tmp/bin-$tag"
    [ "$mode" = per-cell ] && out="$tmp/bin-$(basename "$d")$cover"
    (cd "$d" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= go build -buildvcs=false -mod=readonly $cover -o "$out" . )
    GOCOVERDIR="$tmp/cov-$tag" "$out" >/dev/null
  done
}
by_hand() { build_and_run all shared "${cells[@]}"; }
by_hand_per_cell() { build_and_run all per-cell "${cells[@]}"; }
# (f): the hand loop split over two shells running at once, three cells each.
by_hand_parallel() {
  build_and_run h1 shared "${cells[@]:0:3}" & local pid=$!
  build_and_run h2 shared "${cells[@]:3}"
  wait "$pid"
}

for _ in $(seq "$REPS"); do
  timeit a matrix -j1 --rebuild
  timeit b by_hand
  timeit c matrix -j1
  timeit d matrix -j2 --rebuild
  timeit f by_hand_parallel
  timeit na matrix -j1 --no-cache
  timeit nd matrix -j2 --no-cache
  timeit b2 by_hand_per_cell
done

# Peak RSS of the harness process itself during a -j2 --no-cache run.
"$BIN" matrix --config "$tmp/bench.json" --out "$tmp/results" -j2 --rebuild >/dev/null 2>&1 &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
  v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$v" ] && hwm=$v
  sleep 0.02
done
wait "$pid"

a=$(median < "$tmp/a"); b=$(median < "$tmp/b"); c=$(median < "$tmp/c"); d=$(median < "$tmp/d")
f=$(median < "$tmp/f"); na=$(median < "$tmp/na"); nd=$(median < "$tmp/nd"); b2=$(median < "$tmp/b2")
rss_mb=$(calc "$hwm / 1024")
fail=0
check() { # check label value op target
  if [ "$(calc "($2 $3 $4) ? 1 : 0")" = 1 ]; then printf '  %-34s %8.3f  (target %s %s)  ok\n' "$1" "$2" "$3" "$4"
  else printf '  %-34s %8.3f  (target %s %s)  MISSED\n' "$1" "$2" "$3" "$4"; fail=1; fi
}
printf 'gorepro bench: local x 3 protobuf x cover off/on x repro (6 cells), median of %s, %s CPUs\n' "$REPS" "$(nproc)"
printf '  (a) matrix -j1 --rebuild    %7.2fs\n  (b) shell loop by hand      %7.2fs\n  (c) matrix -j1, cached      %7.2fs\n  (d) matrix -j2 --rebuild    %7.2fs\n' "$a" "$b" "$c" "$d"
check "(a)/(b)" "$(calc "$a / $b")" "<=" 1.10
check "-j2/(b)" "$(calc "$d / $b")" "<=" 0.70
check "(c)/(a)" "$(calc "$c / $a")" "<=" 0.05
check "harness peak RSS (MB)" "$rss_mb" "<=" 100
printf 'for comparison (no targets):\n'
printf '  (f) hand loop as two parallel halves %6.2fs  (f)/(b) %.3f  <- what 2 concurrent go builds gain here\n' "$f" "$(calc "$f / $b")"
printf '  matrix --no-cache -j1 %6.2fs, -j2 %6.2fs; hand loop, per-cell outputs (b2) %6.2fs; -j1/(b2) %.3f\n' "$na" "$nd" "$b2" "$(calc "$na / $b2")"
exit $fail
