#!/usr/bin/env bash
# fuzz/run.sh — run fuzz targets one after another, each for FUZZTIME, and
# append one row per target to the Markdown table of FUZZLOG.
#
#   fuzz/run.sh                          every Fuzz target of every package
#   fuzz/run.sh FuzzKernelLog FuzzAnalyze  only these (names, or pkg:Name)
#
# Environment (the Makefile's `fuzz` and `fuzz-smoke` targets set them):
#   GO         go command (default: go)
#   FUZZTIME   -fuzztime of each target: a duration (10m) or a count (2000x)
#   FUZZFLAGS  more flags for every `go test -fuzz` (e.g. -parallel=1)
#   FUZZLOG    the log to append to (fuzz/LOG.md); empty: write no log
#
# A target that fails (a crasher: go writes it to
# <pkg>/testdata/fuzz/<Target>/) is recorded and the next target runs; the
# script exits 1 at the end when any target failed, 2 on a usage error.
set -uo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-20s}
FUZZFLAGS=${FUZZFLAGS:-}
FUZZLOG=${FUZZLOG-fuzz/LOG.md}

module=$($GO list -m) || exit 2

# every target as "importpath Name", found in the test sources (no build)
all_targets() {
	$GO list -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r pkg dir; do
		grep -hoE '^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' "$dir"/*_test.go 2>/dev/null |
			sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' | sort -u | sed "s|^|$pkg |"
	done
}

# short package name for the log: the import path inside the module
short() {
	local p=${1#"$module"}
	p=${p#/}
	echo "${p:-.}"
}

mapfile -t known < <(all_targets)
if [ ${#known[@]} -eq 0 ]; then
	echo "fuzz/run.sh: no fuzz targets found" >&2
	exit 2
fi
run=()
if [ $# -eq 0 ]; then
	run=("${known[@]}")
else
	for want in "$@"; do
		found=0
		for k in "${known[@]}"; do
			pkg=${k% *} name=${k#* }
			if [ "$want" = "$name" ] || [ "$want" = "$(short "$pkg"):$name" ]; then
				run+=("$k")
				found=$((found + 1))
			fi
		done
		if [ $found -eq 0 ]; then
			echo "fuzz/run.sh: no fuzz target $want" >&2
			exit 2
		fi
	done
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- '*.go' '*testdata*' 2>/dev/null; then
	commit="$commit+dirty" # uncommitted changes to the code under test
fi

if [ -n "$FUZZLOG" ] && [ ! -f "$FUZZLOG" ]; then
	echo "fuzz/run.sh: $FUZZLOG does not exist (it ends in the table rows are appended to)" >&2
	exit 2
fi

out=$(mktemp)
trap 'rm -f "$out" "$out.time" "$out.rc"' EXIT
failed=0
for k in "${run[@]}"; do
	pkg=${k% *} name=${k#* }
	echo "== $(short "$pkg") $name ($FUZZTIME)"
	date=$(date -u +%Y-%m-%dT%H:%MZ)
	# CPU seconds (user + system) of go test and everything it waited for:
	# the build, the test binary and its fuzz workers
	TIMEFORMAT='%R %U %S'
	# shellcheck disable=SC2086 # FUZZFLAGS is a list of flags
	{ time {
		$GO test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" $FUZZFLAGS "$pkg" 2>&1
		echo "$?" >"$out.rc"
	} | tee "$out"; } 2>"$out.time"
	rc=$(cat "$out.rc")
	cpu=$(awk 'NF == 3 { printf "%.0f", $2 + $3 }' "$out.time")
	wall=$(awk 'NF == 3 { printf "%.0fs", $1 }' "$out.time")
	# the last status line: "fuzz: elapsed: 10m0s, execs: 123456 (205/sec), new interesting: 4 (total: 99)"
	last=$(grep -E '^fuzz: elapsed: .*, execs: [0-9]+ ' "$out" | tail -n 1)
	elapsed=$(sed -nE 's/^fuzz: elapsed: ([^,]+),.*/\1/p' <<<"$last")
	elapsed=${elapsed:-$wall} # a target that fails at once prints no status line
	execs=$(sed -nE 's/.*, execs: ([0-9]+) .*/\1/p' <<<"$last")
	newi=$(sed -nE 's/.*new interesting: ([0-9]+) .*/\1/p' <<<"$last")
	crashers=0
	if [ "$rc" -ne 0 ]; then
		failed=1
		input=$(sed -nE 's/.*Failing input written to ([^ ]+).*/\1/p' "$out" | tail -n 1)
		if [ -n "$input" ]; then
			crashers="1: $(short "$pkg")/$input"
		else
			crashers="failed (exit $rc, no input written)"
		fi
		echo "== $name FAILED: $crashers"
	fi
	if [ -n "$FUZZLOG" ]; then
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
			"$date" "$commit" "$(short "$pkg")" "$name" "$FUZZTIME" "${elapsed:-?}" "${cpu:-?}" \
			"${execs:-?}" "${newi:-?}" "$crashers" >>"$FUZZLOG"
	fi
done
exit $failed
