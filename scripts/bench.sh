#!/usr/bin/env bash
# make bench: times, on this machine and in one run,
#   (a) gorepro matrix -j1 --rebuild over local × 3 protobuf × cover off/on × repro
#   (b) a plain shell loop doing the same go build + run per cell by hand
#   (c) the same matrix re-run with the result cache
#   (d) the same matrix with -j2 --rebuild
# the log reader on 5 MB and 50 MB logs (linear in time and memory),
# and the harness's own peak RSS (VmHWM of the gorepro process, not of the go
# builds it starts). --rebuild makes every cell link its binary again, exactly
# like the hand loop does; plain --no-cache lets the go command skip relinking
# binaries that are up to date, so it is timed too, without a target, next to
# the hand loop writing each cell to its own path (b2), which gets the same
# skip. (f) runs the hand loop as two parallel halves: the ceiling of what two
# concurrent go builds gain on this machine. Each timing is the median of
# $REPS runs. It prints the ratios against the targets and exits 1 when one is
# missed.
#
# With Podman and the images of scripts/build-test-images.sh (never pulled), it
# also times an image toolchain (go:local builder, runtime image) over the same
# 6 cells:
#   (g) gorepro matrix -j1 --rebuild: the builds run in one builder container
#       for the whole run (builderd, see internal/cellbuild), each binary in a
#       fresh container of the runtime image, started while the binary is
#       built (runwait, see internal/container)
#   (h) the exact podman commands gorepro recorded for each cell (results.json:
#       cells[].reproduce.build, the whole `podman run ... go build ...`, and
#       .run, the whole `podman run ... binary`), run one by one from the shell,
#       each binary deleted first as --rebuild does: what a person runs to
#       reproduce one cell alone, a container per build
#   (h2) the same container work as (g) with engine commands by hand: one
#       builder container (`podman run -d -i` of the same image, user, network
#       and mounts, gorepro's work directory mounted read-only with its bin/
#       read-write, as gorepro's builder has them), then per cell the recorded
#       go build through `podman exec` with the recorded env and workdir, and
#       the recorded run command; the builder removed at the end
# Targets: (g)/(a) <= 1.5 (an image cell costs at most 1.5 local cells of the
# same build) and (g)/(h2) <= 1.10 (gorepro's overhead over the raw engine
# commands of the same work). (h2), not (h), is the like-with-like reference:
# (h) starts a container per build, which gorepro no longer does. gorepro's
# builds skip even podman exec's own cost (builderd reads them on the
# builder's standard input), so (g)/(h2) can be below 1; (g)/(h) is checked
# as before (<= 1.15) and now says what the builder saves.
# `gorepro toolchains` on that config is timed too, to tell the once-per-run
# part (engine info, image inspection, the image's go version) from the
# per-cell part. Without Podman or the images that part is skipped with one line
# (GOREPRO_REQUIRE_ENGINE=1 makes that a failure).
#
# (i)-(k) time cold builds (an empty build cache each time) of a
# dependency-heavy target, scripts/testdata/heavy, with -j1, -j2 and by
# hand; see there.
#
# BENCH_ONLY=repro,heavy,reader (a comma-separated list) runs only those
# parts: repro is (a)-(h), heavy (i)-(k), reader the log reader.
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
cpu_now() { # sets cpu to the user+system seconds of this shell's waited-for children so far
  # `times` is a builtin run in this shell: $(times), or calling this in
  # $(...), would time a subshell instead.
  times > "$tmp/times"
  cpu=$(sed -n 2p "$tmp/times" | awk '{ s = 0
    for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
    print s }')
}
timeit() { # timeit name command...: appends seconds of one run to $tmp/name, CPU seconds to $tmp/name.cpu
  local name=$1; shift
  local t0 t1 c0 c1 cpu; cpu_now; c0=$cpu; t0=$(now); "$@"; t1=$(now); cpu_now; c1=$cpu
  calc "$t1 - $t0" >> "$tmp/$name"
  calc "$c1 - $c0" >> "$tmp/$name.cpu"
  printf 'bench: (%s) %.2fs, %.2f CPU s\n' "$name" "$(calc "$t1 - $t0")" "$(calc "$c1 - $c0")" >&2 # kept in the log if a later step fails
}
want() { [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *",$1,"* ]]; }
fail=0
check() { # check label value op target
  if [ -z "$2" ]; then printf '  %-34s %8s  (target %s %s)  MISSED\n' "$1" "none" "$3" "$4"; fail=1; return; fi
  if [ "$(calc "($2 $3 $4) ? 1 : 0")" = 1 ]; then printf '  %-34s %8.3f  (target %s %s)  ok\n' "$1" "$2" "$3" "$4"
  else printf '  %-34s %8.3f  (target %s %s)  MISSED\n' "$1" "$2" "$3" "$4"; fail=1; fi
}

if want repro; then # (a)-(f), up to the image toolchain
# Warm-up: module downloads, the Go build cache and the generated reproducers,
# so that every variant below starts from the same warm state.
matrix -j1 --no-cache
mapfile -t dirs < <(for v in v1.33.0 v1.36.10 v1.36.12; do ls -d "$GOREPRO_CACHE"/work/repro/"$v"-* | sed -n 1p; done)

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
fi # want repro

# (g)/(h): the image toolchain, if Podman and the local test images are here.
BUILDER=localhost/gorepro-test/go:local
RUNTIME=localhost/gorepro-test/runtime:latest
img_skip=""
if ! command -v podman >/dev/null 2>&1; then
  img_skip="podman is not installed (scripts/setup-podman.sh)"
else
  for im in "$BUILDER" "$RUNTIME"; do
    podman image exists "$im" || { img_skip="image $im is missing (scripts/build-test-images.sh)"; break; }
  done
fi
want repro || img_skip="not asked for (BENCH_ONLY=${BENCH_ONLY:-})"

# extract_cells RESULTS_JSON DIR: for cell N, writes DIR/N.build and DIR/N.run
# (the recorded argv, NUL-terminated words), DIR/N.script (the recorded
# shell script: build, then run), DIR/N.bin (the binary the build writes)
# and DIR/N.cov (the run's GOCOVERDIR, or empty). python3 when there
# is one, else a throwaway Go program outside this module.
extract_cells() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" "$2" <<'PY'
import json, sys
run, out = json.load(open(sys.argv[1])), sys.argv[2]
for n, cell in enumerate(run["cells"]):
    if cell.get("outcome") != "pass":
        sys.exit("cell %s: %s %s" % (cell.get("id"), cell.get("outcome"), cell.get("reason", "")))
    rep = cell["reproduce"]
    build, runv = rep["build"], rep["run"]
    for name, argv in (("build", build), ("run", runv)):
        with open("%s/%d.%s" % (out, n, name), "wb") as f:
            f.write(b"".join(a.encode() + b"\0" for a in argv))
    go_build = build[build.index("build") + 1:]
    binary = go_build[go_build.index("-o") + 1]
    cov = [a[len("GOCOVERDIR="):] for a in runv + rep.get("runEnv", []) if a.startswith("GOCOVERDIR=")]
    open("%s/%d.bin" % (out, n), "w").write(binary)
    open("%s/%d.script" % (out, n), "w").write(rep.get("script", ""))
    open("%s/%d.cov" % (out, n), "w").write(cov[0] if cov else "")
PY
  else
    mkdir -p "$tmp/extract"
    cat > "$tmp/extract/main.go" <<'GO'
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var run struct {
		Cells []struct {
			ID, Outcome, Reason string
			Reproduce           struct {
				Build, Run, RunEnv []string
				Script             string
			}
		}
	}
	check(json.Unmarshal(data, &run))
	out := os.Args[2]
	for n, c := range run.Cells {
		if c.Outcome != "pass" {
			check(fmt.Errorf("cell %s: %s %s", c.ID, c.Outcome, c.Reason))
		}
		build, runv := c.Reproduce.Build, c.Reproduce.Run
		for name, argv := range map[string][]string{"build": build, "run": runv} {
			check(os.WriteFile(fmt.Sprintf("%s/%d.%s", out, n, name), []byte(strings.Join(argv, "\x00")+"\x00"), 0o644))
		}
		goBuild := build[slices.Index(build, "build")+1:]
		binary := goBuild[slices.Index(goBuild, "-o")+1]
		cov := ""
		for _, a := range append(runv, c.Reproduce.RunEnv...) {
			if v, ok := strings.CutPrefix(a, "GOCOVERDIR="); ok {
				cov = v
			}
		}
		check(os.WriteFile(fmt.Sprintf("%s/%d.bin", out, n), []byte(binary), 0o644))
		check(os.WriteFile(fmt.Sprintf("%s/%d.script", out, n), []byte(c.Reproduce.Script), 0o644))
		check(os.WriteFile(fmt.Sprintf("%s/%d.cov", out, n), []byte(cov), 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}
GO
    (cd "$tmp/extract" && GOWORK=off GOFLAGS= go run main.go "$1" "$2")
  fi
}

if [ -z "$img_skip" ]; then
  cat > "$tmp/bench-img.json" <<JSON
{
  "pull": "never",
  "toolchains": [{"name": "img", "kind": "image", "image": "$BUILDER", "runtimeImage": "$RUNTIME"}],
  "protobuf": ["v1.33.0", "v1.36.10", "v1.36.12"],
  "cover": [false, true],
  "targets": [{"name": "repro", "kind": "repro"}],
  "runs": 1,
  "timeout": "60s"
}
JSON
  img_matrix() { "$BIN" matrix --config "$tmp/bench-img.json" --out "$tmp/results-img" --pull never "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }; }
  # Warm-up: the module cache volume, the image's build cache volume, the
  # reproducers; then the commands that run recorded.
  img_matrix -j1 --rebuild
  mkdir -p "$tmp/hand"
  extract_cells "$tmp/results-img/latest/results.json" "$tmp/hand"
  img_cells=$(ls "$tmp/hand"/*.build | wc -l)
  img_bins=(); img_covs=()
  for n in $(seq 0 $((img_cells - 1))); do
    img_bins+=("$(cat "$tmp/hand/$n.bin")"); img_covs+=("$(cat "$tmp/hand/$n.cov")")
  done
  # (h): the recorded commands, one cell after the other, each binary
  # deleted first and each coverage directory emptied, as gorepro does.
  img_by_hand() {
    local n argv
    for n in $(seq 0 $((img_cells - 1))); do
      rm -f "${img_bins[$n]}"
      if [ -n "${img_covs[$n]}" ]; then rm -rf "${img_covs[$n]}"; mkdir -p "${img_covs[$n]}"; chmod 777 "${img_covs[$n]}"; fi
      mapfile -d '' -t argv < "$tmp/hand/$n.build"; "${argv[@]}" >/dev/null
      mapfile -d '' -t argv < "$tmp/hand/$n.run"; "${argv[@]}" >/dev/null
    done
  }
  # (h2): one builder container, the builds through podman exec, the runs
  # as recorded. From each recorded build: its image, platform, user,
  # network, env, workdir, mounts and go command.
  work="$GOREPRO_CACHE/work"
  declare -A h2_mounts=()
  h2_opts=(); h2_image=""
  for n in $(seq 0 $((img_cells - 1))); do
    mapfile -d '' -t argv < "$tmp/hand/$n.build"
    execv=(); i=2; cmdv=()
    while [ $i -lt ${#argv[@]} ]; do
      a=${argv[$i]}
      case "$a" in
      --rm|--pull=never|--init) ;;
      --label|--security-opt|--name|--entrypoint) i=$((i + 1)) ;;
      --platform|--network) [ "$n" = 0 ] && h2_opts+=("$a" "${argv[$((i + 1))]}"); i=$((i + 1)) ;;
      --user|--workdir|-e) execv+=("$a" "${argv[$((i + 1))]}"); [ "$a" = --user ] && [ "$n" = 0 ] && h2_opts+=("$a" "${argv[$((i + 1))]}"); i=$((i + 1)) ;;
      --mount)
        m=${argv[$((i + 1))]}; i=$((i + 1))
        src=${m#*source=}; src=${src%%,*}
        if [[ "$m" == type=bind,* && "$src" == "$work"/* ]]; then
          if [[ "$m" == *,readonly ]]; then m="type=bind,source=$work,target=$work,readonly"
          else top=${src#"$work"/}; top="$work/${top%%/*}"; m="type=bind,source=$top,target=$top"; fi
        fi
        h2_mounts[$m]=1 ;;
      *) h2_image=$a; cmdv=("${argv[@]:$((i + 1))}"); break ;;
      esac
      i=$((i + 1))
    done
    printf '%s\0' "${execv[@]}" h2-builder "${cmdv[@]}" > "$tmp/hand/$n.exec"
  done
  h2_mountv=()
  for m in "${!h2_mounts[@]}"; do h2_mountv+=(--mount "$m"); done
  img_by_hand_exec() {
    local n argv
    podman run -d -i --rm --name h2-builder --pull=never --init --security-opt label=disable --label gorepro.bench=1 "${h2_opts[@]}" "${h2_mountv[@]}" "$h2_image" gofmt >/dev/null
    for n in $(seq 0 $((img_cells - 1))); do
      rm -f "${img_bins[$n]}"
      if [ -n "${img_covs[$n]}" ]; then rm -rf "${img_covs[$n]}"; mkdir -p "${img_covs[$n]}"; chmod 777 "${img_covs[$n]}"; fi
      mapfile -d '' -t argv < "$tmp/hand/$n.exec"; podman exec "${argv[@]}" >/dev/null
      mapfile -d '' -t argv < "$tmp/hand/$n.run"; "${argv[@]}" >/dev/null
    done
    podman rm -f -t 0 h2-builder >/dev/null
  }
  for _ in $(seq "$REPS"); do
    timeit g img_matrix -j1 --rebuild
    timeit h img_by_hand
    timeit h2 img_by_hand_exec
    timeit s "$BIN" toolchains --config "$tmp/bench-img.json" --pull never >/dev/null
  done
elif want repro && [ "${GOREPRO_REQUIRE_ENGINE:-}" = 1 ]; then
  echo "bench: GOREPRO_REQUIRE_ENGINE=1 but $img_skip" >&2
  exit 1
fi

# (i)-(k): cold builds of a dependency-heavy target: scripts/testdata/heavy,
# a main package linking controller-runtime, client-go and protobuf (about
# 800 packages), x cover off/on x 2 protobuf versions (v1.36.10, which MVS
# lifts to the newer one client-go needs, and v1.36.12: they resolve
# differently, so cells share most packages but not all), each timing with
# an empty build cache (GOCACHE, a new temp dir; the module cache is warm):
#   (i) gorepro matrix -j1 --rebuild
#   (j) gorepro matrix -j2 --rebuild
#   (k) the commands gorepro recorded for each cell (results.json:
#       cells[].reproduce.script, the go build then the run), run one after
#       the other from the shell, each binary deleted first
# Targets: (j)/(i) <= 0.85 (cells sharing a dependency graph must not
# compile it twice at once, and what they do not share runs in parallel)
# and (i)/(k) <= 1.05. Each timing is minutes on 2 CPUs, long enough to be
# measured once; HEAVY_REPS runs more and takes the median.
HEAVY_REPS=${HEAVY_REPS:-1}
if want heavy; then
  cp -r scripts/testdata/heavy "$tmp/heavy"
  cat > "$tmp/bench-heavy.json" <<JSON
{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10", "v1.36.12"],
  "cover": [false, true],
  "targets": [{"name": "heavy", "kind": "package", "dir": "$tmp/heavy", "package": "."}],
  "runs": 1,
  "timeout": "60s",
  "buildTimeout": "60m"
}
JSON
  heavy_matrix() { "$BIN" matrix --config "$tmp/bench-heavy.json" --out "$tmp/results-heavy" --rebuild "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }; }
  cold() { # cold NAME command...: timeit with a new, empty build cache
    local cache; cache=$(mktemp -d "$tmp/gocache.XXXXXX")
    (export GOCACHE="$cache"; timeit "$@")
    rm -rf "$cache"
  }
  # Warm-up, without compiling anything: the module cache (from the module
  # proxy, once), for the build list of each protobuf version as gorepro's
  # alternate module file asks for it.
  for v in v1.36.10 v1.36.12; do
    cp -r scripts/testdata/heavy "$tmp/heavy-warm-$v"
    (cd "$tmp/heavy-warm-$v" && GOFLAGS=-mod=mod GOWORK=off go mod edit -require="google.golang.org/protobuf@$v" && GOFLAGS=-mod=mod GOWORK=off go mod download)
  done
  heavy_by_hand() {
    local n cov
    for n in $(seq 0 $((heavy_cells - 1))); do
      rm -f "$(cat "$tmp/heavy-hand/$n.bin")"
      cov=$(cat "$tmp/heavy-hand/$n.cov")
      if [ -n "$cov" ]; then rm -rf "$cov"; mkdir -p "$cov"; fi
      # The recorded commands run from the root of the module's checkout.
      (cd "$tmp/heavy" && bash -euo pipefail -c "$(cat "$tmp/heavy-hand/$n.script")" >/dev/null)
    done
  }
  for rep in $(seq "$HEAVY_REPS"); do
    cold i heavy_matrix -j1
    if [ "$rep" = 1 ]; then # the commands that run recorded
      mkdir -p "$tmp/heavy-hand"
      extract_cells "$tmp/results-heavy/latest/results.json" "$tmp/heavy-hand"
      heavy_cells=$(ls "$tmp/heavy-hand"/*.script | wc -l)
    fi
    cold j heavy_matrix -j2
    cold k heavy_by_hand
  done
fi

if want repro; then
a=$(median < "$tmp/a"); b=$(median < "$tmp/b"); c=$(median < "$tmp/c"); d=$(median < "$tmp/d")
f=$(median < "$tmp/f"); na=$(median < "$tmp/na"); nd=$(median < "$tmp/nd"); b2=$(median < "$tmp/b2")
rss_mb=$(calc "$hwm / 1024")
printf 'gorepro bench: local x 3 protobuf x cover off/on x repro (6 cells), median of %s, %s CPUs\n' "$REPS" "$(nproc)"
printf 'load average (1, 5, 15 min) at the end: %s (a shared machine: compare the ratios)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  (a) matrix -j1 --rebuild    %7.2fs\n  (b) shell loop by hand      %7.2fs\n  (c) matrix -j1, cached      %7.2fs\n  (d) matrix -j2 --rebuild    %7.2fs\n' "$a" "$b" "$c" "$d"
check "(a)/(b)" "$(calc "$a / $b")" "<=" 1.10
check "-j2/(b)" "$(calc "$d / $b")" "<=" 0.70
check "(c)/(a)" "$(calc "$c / $a")" "<=" 0.05
check "harness peak RSS (MB)" "$rss_mb" "<=" 100
if [ -z "$img_skip" ]; then
  g=$(median < "$tmp/g"); h=$(median < "$tmp/h"); h2=$(median < "$tmp/h2")
  printf 'image toolchain %s + %s x 3 protobuf x cover off/on x repro (%s cells), median of %s\n' "$BUILDER" "${RUNTIME##*/}" "$img_cells" "$REPS"
  printf '  (g) matrix -j1 --rebuild    %7.2fs\n  (h) recorded podman commands by hand %6.2fs\n  (h2) one builder, podman exec builds, recorded runs, by hand %6.2fs\n' "$g" "$h" "$h2"
  check "image/local (g)/(a)" "$(calc "$g / $a")" "<=" 1.5
  check "(g)/(h2)" "$(calc "$g / $h2")" "<=" 1.10
  check "(g)/(h)" "$(calc "$g / $h")" "<=" 1.15
  s_img=$(median < "$tmp/s")
  printf '  of which once per run: resolving the toolchain (gorepro toolchains: engine info, images, go version) %.2fs;\n' "$s_img"
  printf '  without it, per cell: ((g) - that)/(h) %.3f, %.2fs per cell\n' "$(calc "($g - $s_img) / $h")" "$(calc "($g - $s_img - $h) / $img_cells")"
else
  printf 'image toolchain: skipped: %s\n' "$img_skip"
fi
fi # want repro
if want heavy; then
  i=$(median < "$tmp/i"); j=$(median < "$tmp/j"); k=$(median < "$tmp/k")
  printf 'cold builds: local x 2 protobuf x cover off/on x heavy (controller-runtime, client-go, protobuf; %s cells), empty build cache each, median of %s, %s CPUs\n' "$heavy_cells" "$HEAVY_REPS" "$(nproc)"
  printf '  (i) matrix -j1 --rebuild    %7.2fs\n  (j) matrix -j2 --rebuild    %7.2fs\n  (k) recorded commands by hand %6.2fs\n' "$i" "$j" "$k"
  ic=$(median < "$tmp/i.cpu"); jc=$(median < "$tmp/j.cpu")
  # What any schedule can gain: the CPU seconds of (i) spread over every CPU
  # is the shortest the same work can take, so (j)/(i) cannot be below
  # (CPU seconds of (i) / CPUs) / (i). (j) doing more work than (i) (the
  # same package compiled twice at once) shows as CPU (j)/(i) above 1.
  printf '  CPU seconds: (i) %.1f (%.2f CPUs busy on average), (j) %.1f (work of (j)/(i) %.3f)\n' "$ic" "$(calc "$ic / $i")" "$jc" "$(calc "$jc / $ic")"
  printf '  lower bound of (j)/(i) on %s CPUs for the work of (i): %.3f\n' "$(nproc)" "$(calc "$ic / $(nproc) / $i")"
  check "cold -j2/-j1 (j)/(i)" "$(calc "$j / $i")" "<=" 0.85
  check "cold -j1/by hand (i)/(k)" "$(calc "$i / $k")" "<=" 1.05
fi
if want reader; then
# The log reader (internal/crashlog): 5, 25 and 50 MB logs, of many lines
# (timestamps on every line, the crash at the end) and of one single line.
# Reading must stay linear: a 50 MB log takes at most 2.5x the time and the
# memory of a 25 MB one (2x is exactly linear; both sizes are well past the
# CPU caches, unlike 5 MB), and reading allocates at most 4 bytes per byte of
# log. Memory is exact and measured by BenchmarkReadLarge (the printed times
# are the best of its runs, for information). Time is
# BenchmarkReadScaling's: it times a 25 MB and a 50 MB read side by side,
# $SCALING_PAIRS times, and reports the median of the pairs' ratios. Each
# time is the process's CPU time (reader and garbage collector), each
# sample at least 250 ms of it (the log read again as often as that takes),
# the CPU caches flushed before every read: the wall time of a read of tens
# of milliseconds is mostly the machine's load, and on a quiet machine a
# 25 MB log read again stays in a large L3 cache where a 50 MB one does not
# (the ratio read 2.8 for a linear reader). The wall ratio is printed beside
# it, for information.
SCALING_PAIRS=${SCALING_PAIRS:-9}
go test ./internal/crashlog -run '^$' -bench 'BenchmarkReadLarge' -benchtime 1x -count 3 -benchmem > "$tmp/read.txt"
go test ./internal/crashlog -run '^$' -bench 'BenchmarkReadScaling' -benchtime "${SCALING_PAIRS}x" -count 1 > "$tmp/scaling.txt"
read_field() { # read_field NAME UNIT: the smallest value before UNIT on benchmark NAME's lines
  awk -v n="BenchmarkReadLarge/$1-" -v u="$2" 'index($1, n) == 1 { for (i = 2; i <= NF; i++) if ($i == u && (best == "" || $(i-1) + 0 < best + 0)) best = $(i-1) } END { print best }' "$tmp/read.txt"
}
scaling() { # scaling SHAPE [METRIC]: BenchmarkReadScaling's median METRIC (t50/t25) for SHAPE
  awk -v n="BenchmarkReadScaling/$1-" -v m="${2:-t50/t25}" 'index($1, n) == 1 { for (i = 2; i <= NF; i++) if ($i == m) print $(i-1) }' "$tmp/scaling.txt"
}
printf 'log reader (gorepro diagnose, the matrix classifier), %s CPUs\n' "$(nproc)"
for shape in lines oneline; do
  line="  $shape"
  for mb in 5 25 50; do
    line="$line; $mb MB: $(printf '%.3fs %.1f MB allocated' "$(calc "$(read_field "$shape-${mb}MB" ns/op) / 1e9")" "$(calc "$(read_field "$shape-${mb}MB" B/op) / 1048576")")"
  done
  echo "$line"
  m25=$(read_field "$shape-25MB" B/op); m50=$(read_field "$shape-50MB" B/op)
  check "$shape: CPU time 50 MB / 25 MB (median of $SCALING_PAIRS pairs)" "$(scaling "$shape")" "<=" 2.5
  printf '  %-34s %8.3f  (%s reads per sample; for information)\n' "$shape: wall time 50 MB / 25 MB" "$(scaling "$shape" wall-t50/t25)" "$(scaling "$shape" reads/sample)"
  check "$shape: memory 50 MB / 25 MB" "$(calc "$m50 / $m25")" "<=" 2.5
  check "$shape: bytes allocated per byte" "$(calc "$m50 / (50 * 1048576)")" "<=" 4
done
fi # want reader
if want repro; then
printf 'for comparison (no targets):\n'
printf '  (f) hand loop as two parallel halves %6.2fs  (f)/(b) %.3f  <- what 2 concurrent go builds gain here\n' "$f" "$(calc "$f / $b")"
printf '  matrix --no-cache -j1 %6.2fs, -j2 %6.2fs; hand loop, per-cell outputs (b2) %6.2fs; -j1/(b2) %.3f\n' "$na" "$nd" "$b2" "$(calc "$na / $b2")"
fi # want repro
exit $fail
