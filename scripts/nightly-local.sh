#!/usr/bin/env bash
# nightly-local.sh: what the gorepro nightly workflow (scripts/github/nightly.yml)
# does, run on this machine, one step after the other:
#
#   1. gorepro matrix --config CONFIG --shard k/SHARDS --out WORKDIR/shard-k, for k = 1..SHARDS
#      (its table in WORKDIR/shard-k.txt; exit 0 or 1 is data, any other status stops
#      the script with it);
#   2. gorepro merge WORKDIR/shard-*/latest --out WORKDIR/merged;
#   3. with a baseline, gorepro diff BASELINE WORKDIR/merged: the text on stdout (and in
#      WORKDIR/diff.txt), WORKDIR/diff.md and WORKDIR/diff.json; without one, tonight's
#      run becomes the baseline and the script says how to pass it next time;
#   4. when the diff has a cell whose verdict changed (new-crash, fixed, new-timeout, new-fail,
#      signature-changed, outcome-changed: the changes explain explains), gorepro explain
#      BASELINE WORKDIR/merged --config CONFIG --out WORKDIR/explain: the text on stdout (and in
#      WORKDIR/explain.txt), the Markdown in WORKDIR/explain.md (explain stores it with its
#      probes). CONFIG is tonight's: a toolchain or target changed in it since the baseline
#      is what explain compares field by field (each run recorded its own entries).
#
# Then it prints where the merged run, the diff and the explanation went.
#
# Usage (from the directory the config's relative paths are relative to, usually
# the repository root):
#
#   scripts/nightly-local.sh [-c CONFIG] [-b BASELINE] [-n SHARDS] [-w WORKDIR]
#                            [-p never|missing|always] [-- MATRIX-FLAGS...]
#
#   -c, --config FILE    the matrix (env CONFIG, default toolchains.json)
#   -b, --baseline RUN   a previous run: results.json, run directory or results root
#                        (env BASELINE, default none), e.g. a former WORKDIR/merged
#   -n, --shards N       how many shards to run one after the other (env SHARDS, default 2)
#   -w, --workdir DIR    where everything goes (env WORKDIR, default a new mktemp directory)
#   -p, --pull POLICY    gorepro matrix --pull (env PULL, default: the config's, else missing)
#   -- MATRIX-FLAGS      passed on to every gorepro matrix, e.g. -- --toolchain local -j 4
#
# gorepro is $GOREPRO when set (a path or a command on PATH); otherwise it is built
# once from the repository this script lives in, into WORKDIR/gorepro (go run would
# compile it again for every step).
#
#   scripts/nightly-local.sh -p never                       # tonight's run: the first baseline
#   scripts/nightly-local.sh -b /tmp/gorepro-nightly.x/merged -w /tmp/night2
#   CONFIG=ci.json SHARDS=4 BASELINE=baseline.json scripts/nightly-local.sh
#
# Exit status: 0 done and no new crash; 1 done, and some cell crashes that did
# not crash in the baseline (the nightly's merge job fails then too); 2 usage
# error; otherwise the status of the gorepro command that failed (matrix 2, 3,
# 130; merge 2, 3; diff 2; explain 2 bad input, 3 infrastructure). explain
# exiting 1 (some change could not be explained) is a warning only.
set -euo pipefail

prog=nightly-local
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	sed -n '/^# Usage/,/^# Exit status/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# die STATUS MESSAGE: stop with STATUS, saying why on stderr.
die() {
	local status=$1
	shift
	echo "$prog: $*" >&2
	exit "$status"
}

# step ARGS...: say what runs next, on stderr.
step() {
	echo "$prog: ==> $*" >&2
}

CONFIG=${CONFIG:-toolchains.json}
BASELINE=${BASELINE:-}
SHARDS=${SHARDS:-2}
WORKDIR=${WORKDIR:-}
PULL=${PULL:-}
matrix_args=()

while [ $# -gt 0 ]; do
	case "$1" in
	-c | --config) [ $# -ge 2 ] || die 2 "$1 needs a value"; CONFIG=$2; shift 2 ;;
	--config=*) CONFIG=${1#*=}; shift ;;
	-b | --baseline) [ $# -ge 2 ] || die 2 "$1 needs a value"; BASELINE=$2; shift 2 ;;
	--baseline=*) BASELINE=${1#*=}; shift ;;
	-n | --shards) [ $# -ge 2 ] || die 2 "$1 needs a value"; SHARDS=$2; shift 2 ;;
	--shards=*) SHARDS=${1#*=}; shift ;;
	-w | --workdir) [ $# -ge 2 ] || die 2 "$1 needs a value"; WORKDIR=$2; shift 2 ;;
	--workdir=*) WORKDIR=${1#*=}; shift ;;
	-p | --pull) [ $# -ge 2 ] || die 2 "$1 needs a value"; PULL=$2; shift 2 ;;
	--pull=*) PULL=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; matrix_args=("$@"); break ;;
	*) die 2 "unknown argument: $1 (see --help)" ;;
	esac
done

[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die 2 "SHARDS must be a positive number, not '$SHARDS'"
[ -f "$CONFIG" ] || die 2 "no config $CONFIG here ($PWD): pass -c FILE, or run from the directory that holds it"
if [ -n "$BASELINE" ]; then
	[ -e "$BASELINE" ] || die 2 "baseline $BASELINE does not exist"
	# A results root: its latest run now, before a merge into the same root
	# (-b WORKDIR/merged -w WORKDIR) moves the link.
	if [ -d "$BASELINE" ] && [ ! -f "$BASELINE/results.json" ] && [ -L "$BASELINE/latest" ]; then
		BASELINE=$(readlink -f "$BASELINE/latest")
	fi
fi
pull_args=()
if [ -n "$PULL" ]; then
	case "$PULL" in
	never | missing | always) pull_args=(--pull "$PULL") ;;
	*) die 2 "PULL must be never, missing or always, not '$PULL'" ;;
	esac
fi

if [ -z "$WORKDIR" ]; then
	WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/gorepro-nightly.XXXXXX")
else
	mkdir -p "$WORKDIR"
fi
WORKDIR=$(cd "$WORKDIR" && pwd)

if [ -n "${GOREPRO:-}" ]; then
	gorepro=$GOREPRO
else
	step "go build -o $WORKDIR/gorepro ./cmd/gorepro (in $root)"
	(cd "$root" && go build -o "$WORKDIR/gorepro" ./cmd/gorepro) || die 2 "cannot build gorepro in $root"
	gorepro=$WORKDIR/gorepro
fi

# 1. The shards, one after the other (each uses -j cells at once already).
extra="${pull_args[*]+${pull_args[*]}} ${matrix_args[*]+${matrix_args[*]}}"
extra=${extra# }
extra=${extra% }
shard_runs=()
for ((k = 1; k <= SHARDS; k++)); do
	out=$WORKDIR/shard-$k
	step "gorepro matrix --config $CONFIG --shard $k/$SHARDS --out $out${extra:+ $extra}"
	status=0
	# ${a[@]+"${a[@]}"}: an empty array under set -u in bash < 4.4 (macOS).
	"$gorepro" matrix --config "$CONFIG" --shard "$k/$SHARDS" --out "$out" \
		${pull_args[@]+"${pull_args[@]}"} ${matrix_args[@]+"${matrix_args[@]}"} >"$WORKDIR/shard-$k.txt" || status=$?
	case "$status" in
	0 | 1) ;; # 1: some cell crashed, which is data
	*) die "$status" "gorepro matrix --shard $k/$SHARDS exited $status (its table: $WORKDIR/shard-$k.txt)" ;;
	esac
	shard_runs+=("$out/latest")
done

# 2. One run of the whole matrix.
step "gorepro merge ${shard_runs[*]} --out $WORKDIR/merged"
status=0
"$gorepro" merge "${shard_runs[@]}" --out "$WORKDIR/merged" || status=$?
[ "$status" -eq 0 ] || die "$status" "gorepro merge exited $status"
merged=$(readlink -f "$WORKDIR/merged/latest")

# 3. What changed since the baseline.
diff_line="not run: no baseline; tonight's run becomes the baseline"
explain_line="not run: no baseline"
new_crash=false
explain_status=0
if [ -n "$BASELINE" ]; then
	step "gorepro diff $BASELINE $merged"
	status=0
	"$gorepro" diff "$BASELINE" "$merged" --format text >"$WORKDIR/diff.txt" || status=$?
	[ "$status" -eq 0 ] || die "$status" "gorepro diff exited $status"
	cat "$WORKDIR/diff.txt"
	# The warnings, if any, were on stderr already.
	"$gorepro" diff "$BASELINE" "$merged" --format markdown >"$WORKDIR/diff.md" 2>/dev/null ||
		die 2 "gorepro diff --format markdown failed"
	"$gorepro" diff "$BASELINE" "$merged" --format json >"$WORKDIR/diff.json" 2>/dev/null ||
		die 2 "gorepro diff --format json failed"
	diff_line="$WORKDIR/diff.txt, diff.md, diff.json: $(tail -n 1 "$WORKDIR/diff.txt")"
	if grep -Eq '"kind": *"new-crash"' "$WORKDIR/diff.json"; then
		new_crash=true
	fi

	# 4. Why it changed, when a cell's verdict changed: a crash with another
	# signature (signature-changed) is a new crash too, and may be the only change.
	if ! grep -Eq '"kind": *"(new-crash|fixed|new-timeout|new-fail|signature-changed|outcome-changed)"' "$WORKDIR/diff.json"; then
		explain_line="not run: no cell's verdict changed"
	else
		step "gorepro explain $BASELINE $merged --config $CONFIG --out $WORKDIR/explain"
		"$gorepro" explain "$BASELINE" "$merged" --config "$CONFIG" --out "$WORKDIR/explain" \
			--format text >"$WORKDIR/explain.txt" || explain_status=$?
		cat "$WORKDIR/explain.txt"
		explain_dir="none stored"
		if [ -L "$WORKDIR/explain/latest" ]; then
			explain_dir=$(readlink -f "$WORKDIR/explain/latest")
			# The Markdown section for a bug report, stored with the probes.
			cp "$explain_dir/explain.md" "$WORKDIR/explain.md"
		fi
		case "$explain_status" in
		0) explain_line="$WORKDIR/explain.txt, explain.md; probes in $explain_dir" ;;
		1)
			explain_line="$WORKDIR/explain.txt, explain.md (some changes could not be explained); probes in $explain_dir"
			echo "$prog: warning: gorepro explain could not explain every change" >&2
			;;
		*) explain_line="failed: gorepro explain exited $explain_status (2 bad input, 3 infrastructure); its errors are above" ;;
		esac
	fi
fi

cat <<EOF

$prog: summary
  workdir:     $WORKDIR
  merged run:  $merged (report: $merged/results.md)
  diff:        $diff_line
  explain:     $explain_line
  next time:   -b $merged/results.json
EOF

if [ "$explain_status" -gt 1 ]; then
	exit "$explain_status"
fi
if [ "$new_crash" = true ]; then
	exit 1
fi
exit 0
