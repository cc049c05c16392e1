#!/usr/bin/env bash
# bench/compare.sh — how fast is `oomlens analyze` next to grep, rg and cat,
# and how fast does it read bundles in place next to xz -dc / gzip -dc?
#
# Usage: bench/compare.sh [--size 1G] [--runs 5] [--genlog PATH] [--bin PATH] [--no-bundles]
#
# Also runs the archive.Open Go benchmarks when Go is installed.
#
# Inputs are generated once by genlog.py (default: ../shared/bench/genlog.py
# relative to the repository root) into a cache outside the repository:
# ${XDG_CACHE_HOME:-$HOME/.cache}/oomlens-bench. Timing uses hyperfine when
# installed (apt-get install hyperfine), else a /usr/bin/time loop; peak RSS
# comes from /usr/bin/time -v (Debian package "time"). Prints medians, ratios
# to grep, peak RSS, and a correctness check against genlog's .expected.json.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
size=1G
runs=5
genlog="$repo/../shared/bench/genlog.py"
# a git worktree under <project>/wt/<name> finds the shared folder two levels up
[ -f "$genlog" ] || [ ! -f "$repo/../../shared/bench/genlog.py" ] || genlog="$repo/../../shared/bench/genlog.py"
bin=""
bundles=1
while [ $# -gt 0 ]; do
	case "$1" in
	--size) size=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--genlog) genlog=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--no-bundles) bundles=0; shift ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	*) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

cache=${XDG_CACHE_HOME:-$HOME/.cache}/oomlens-bench
mkdir -p "$cache"
[ -f "$genlog" ] || { echo "compare.sh: genlog.py not found at $genlog (pass --genlog PATH)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

if [ -z "$bin" ]; then
	bin=$cache/oomlens
	(cd "$repo" && PATH="/usr/local/go/bin:$PATH" go build -o "$bin" .)
fi
have() { command -v "$1" >/dev/null 2>&1; }
has_hyperfine=0; have hyperfine && has_hyperfine=1
has_rg=0; have rg && has_rg=1

echo "# oomlens benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# host: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# oomlens: $bin ($("$bin" version 2>/dev/null || echo unknown)); size $size; $runs runs; hyperfine=$has_hyperfine rg=$has_rg"
echo

# gen STYLE -> path of the cached log
gen() {
	local f="$cache/kern-$size-$1.log"
	if [ ! -s "$f" ] || [ ! -s "$f.expected.json" ]; then
		echo "generating $f ..." >&2
		python3 "$genlog" --size "$size" --style "$1" --seed 1 --out "$f" >&2
	fi
	echo "$f"
}

# median_of CMD... -> median wall seconds over $runs runs
median_of() {
	local cmd=$1 tmp
	tmp=$(mktemp)
	if [ $has_hyperfine = 1 ]; then
		hyperfine --style none --output=pipe --warmup 1 --runs "$runs" --ignore-failure --export-json "$tmp" "$cmd" >/dev/null 2>&1
		python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp"
	else
		for _ in $(seq "$runs"); do
			# a pipe, not /dev/null: GNU grep stops at the first match when
			# its output is /dev/null
			{ /usr/bin/time -f "%e" -o "$tmp.t" bash -c "$cmd" 2>/dev/null || true; } | cat >/dev/null
			cat "$tmp.t"
		done | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f\n", m}'
		rm -f "$tmp.t"
	fi
	rm -f "$tmp"
}

# peak_rss CMD -> peak RSS in MiB (one run)
peak_rss() {
	local tmp
	tmp=$(mktemp)
	/usr/bin/time -v -o "$tmp" bash -c "$1" >/dev/null 2>&1 || true
	awk -F: '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tmp"
	rm -f "$tmp"
}

# table BYTES CMD...: one row per command with median, ratio to the first
# command, MB/s (BYTES / median) and peak RSS.
table() {
	local bytes=$1; shift
	local ref="" m
	printf '%-58s %9s %8s %9s %9s\n' "command" "median s" "× first" "MB/s" "RSS MiB"
	for cmd in "$@"; do
		m=$(median_of "$cmd")
		[ -z "$ref" ] && ref=$m
		printf '%-58s %9s %8s %9s %9s\n' "${cmd//$cache\//}" "$m" \
			"$(awk -v a="$m" -v b="$ref" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }')" \
			"$(awk -v s="$bytes" -v t="$m" 'BEGIN { if (t > 0) printf "%.0f", s/t/1e6; else print "-" }')" \
			"$(peak_rss "$cmd")"
	done
	echo
}

# check FILE: kills found by grep and oomlens against .expected.json
check() {
	local file=$1 want grepn got
	want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["kills"]))' "$file.expected.json")
	grepn=$(LC_ALL=C grep -c 'Killed process' "$file" || true)
	if got=$("$bin" analyze --format json "$file" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["kills"]))' 2>/dev/null); then :; else got="(oomlens failed)"; fi
	echo "check $(basename "$file"): expected $want kills; grep -c finds $grepn; oomlens finds $got"
	echo
}

logs=()
for style in raw T syslog; do
	f=$(gen "$style")
	logs+=("$f")
	echo "## $(basename "$f") ($(du -h "$f" | cut -f1))"
	cmds=("LC_ALL=C grep -c 'Killed process' $f")
	[ $has_rg = 1 ] && cmds+=("rg -c 'Killed process' $f")
	cmds+=("cat $f > /dev/null" "$bin analyze --format json $f > /dev/null")
	table "$(stat -c %s "$f")" "${cmds[@]}"
	check "$f"
done

# Memory against input size: peak RSS (median of $runs runs) of each
# style's 100 MiB log and its $size one, and of a $size raw log with the
# 100 MiB raw log's number of kills (what is kept grows with the kills, not
# with the bytes). The target (#9) is within 10% of the 100 MiB log's.
rss_median() {
	local tmp
	tmp=$(mktemp)
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%M" -o "$tmp" bash -c "$1" >/dev/null 2>&1 || true
		cat "$tmp"
	done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1024}'
	rm -f "$tmp"
}
kills() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["kills"]))' "$1.expected.json"; }
echo "## peak RSS against input size (median of $runs runs)"
printf '%-40s %8s %-40s %8s %8s\n' "100 MiB input" "RSS MiB" "$size input" "RSS MiB" "ratio"
i=0
for style in raw T syslog; do
	small=$cache/kern-100M-$style.log
	[ -s "$small" ] || python3 "$genlog" --size 100M --style "$style" --seed 1 --out "$small" >&2
	base=$(rss_median "$bin analyze --format json $small")
	big=${logs[$i]}
	i=$((i + 1))
	r=$(rss_median "$bin analyze --format json $big")
	printf '%-40s %8s %-40s %8s %8s\n' "$(basename "$small") ($(kills "$small") kills)" "$base" \
		"$(basename "$big") ($(kills "$big") kills)" "$r" "$(awk -v a="$r" -v b="$base" 'BEGIN { printf "%.2f", a/b }')"
	if [ "$style" = raw ]; then
		same=$cache/kern-$size-raw-$(kills "$small")kills.log
		[ -s "$same" ] || python3 "$genlog" --size "$size" --style raw --seed 1 --ooms "$(kills "$small")" --out "$same" >&2
		r=$(rss_median "$bin analyze --format json $same")
		printf '%-40s %8s %-40s %8s %8s\n' "" "" "$(basename "$same")" "$r" "$(awk -v a="$r" -v b="$base" 'BEGIN { printf "%.2f", a/b }')"
	fi
done
echo

# Several large logs in one folder (hard links to the three logs and the
# same-kills one): parsed in parallel, one per core.
folder=$cache/folder-$size
mkdir -p "$folder"
for f in "${logs[@]}" "$same"; do ln -f "$f" "$folder/$(basename "$f")" 2>/dev/null || cp "$f" "$folder/"; done
echo "## folder of 4 logs, GOMAXPROCS 1 vs 2; MB/s of folder"
table "$(du -sbL "$folder" | cut -f1)" \
	"GOMAXPROCS=1 $bin analyze --format json $folder > /dev/null" \
	"GOMAXPROCS=2 $bin analyze --format json $folder > /dev/null"

[ $bundles = 1 ] || exit 0

# A sosreport-shaped bundle of the three logs, packed as tar.xz and tar.gz.
bdir=$cache/bundle-$size/sosreport-bench-00000-2026-11-27-abcdef
if [ ! -f "$cache/bundle-$size.tar.xz" ]; then
	echo "building bundle-$size.tar.{xz,gz} ..." >&2
	rm -rf "$cache/bundle-$size"
	mkdir -p "$bdir/sos_commands/kernel" "$bdir/var/log"
	echo "sos report: 4.8.0" > "$bdir/version.txt"
	cp "${logs[0]}" "$bdir/sos_commands/kernel/dmesg"
	cp "${logs[1]}" "$bdir/sos_commands/kernel/dmesg_-T"
	cp "${logs[2]}" "$bdir/var/log/messages"
	tar -C "$cache/bundle-$size" -cf - sosreport-bench-00000-2026-11-27-abcdef | xz -T0 -6 > "$cache/bundle-$size.tar.xz"
	tar -C "$cache/bundle-$size" -cf - sosreport-bench-00000-2026-11-27-abcdef | gzip -6 > "$cache/bundle-$size.tar.gz"
fi
unpacked=$(du -sb "$bdir" | cut -f1)
for z in xz gz; do
	a=$cache/bundle-$size.tar.$z
	tool=xz; [ $z = gz ] && tool=gzip
	echo "## $(basename "$a") ($(du -h "$a" | cut -f1)); MB/s of uncompressed bundle"
	table "$unpacked" "$tool -dc $a > /dev/null" "$bin analyze --format json $a > /dev/null"
done

if [ -f "$repo/archive/bench_test.go" ] && { have go || [ -x /usr/local/go/bin/go ]; }; then
	echo "## archive.Open alone (go test -bench ArchiveOpen; 36.6 MB sosreport-shaped tar)"
	(cd "$repo" && PATH="/usr/local/go/bin:$PATH" go test -run XXX -bench ArchiveOpen -benchtime 3x -benchmem ./archive | grep '^Benchmark')
fi
