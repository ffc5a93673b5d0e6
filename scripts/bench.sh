#!/usr/bin/env bash
# bench.sh runs the benchmark suite of go-dht (package benchmarks) on its
# defaults, prints the summary tables, and writes the CSVs, the charts and
# the raw `go test -bench` output (bench.txt, for benchstat) into a new
# dated folder: reports/<date>T<time>/. The flags follow py-dht's
# launch_benchmarks.sh (-t tag, -o output, -i iterations, -n size, -k).
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/bench.sh [flags] [-- test-binary flags]

  -t TAG     prefix of the report files                  (default bench)
  -o DIR     parent of the dated report folder           (default reports)
  -i N       rounds per benchmark (-benchtime=Nx)        (default 10; 1 with -quick)
  -n N       network size of the non-scale benchmarks    (default 10000)
  -k K       bucket size                                 (default 20)
  -w N       workers                                     (default: all cores)
  -s SEED    seed of networks and workloads              (default 1)
  -c N       runs of each benchmark (go test -count), for benchstat (default 1)
  -b REGEX   benchmarks to run (go test -bench)          (default .: all)
  -quick     smoke run: 1 round, scale sweep up to 10,000 nodes, small workloads
  -h         this help

Flags after -- go to the test binary as they are, e.g.
  scripts/bench.sh -- -fast-error-rate 10 -conn-delay 20ms-80ms -lookups 5000
(`go run ./cmd/dhtsim params` and the README's Parameters table list all
of them: those given to the benchmarks).

The model benchmarks (HopsScaling, Grow, AgainstMeasurements), whose
figures are the same every round, run once, after the others, with the
tag <tag>-model (their go test output in bench-model.txt). -quick takes
under a minute on 2 cores (about 190 files, 30 MB); a default run's time,
memory and files are in the README's Benchmarks section. -b selects
benchmarks (e.g. -b 'Crawl' runs only the crawls); `-- -scaling-max 10000`
keeps the quick run's sizes with 10 rounds.
EOF
}

tag=bench out=reports iter="" n=10000 k=20 workers="" seed=1 count=1 bench=. quick=0
extra=()
need() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "bench.sh: $1 needs a value" >&2; usage >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case "$1" in
	-t) need "$@"; tag=$2; shift 2 ;;
	-o) need "$@"; out=$2; shift 2 ;;
	-i) need "$@"; iter=$2; shift 2 ;;
	-n) need "$@"; n=$2; shift 2 ;;
	-k) need "$@"; k=$2; shift 2 ;;
	-w) need "$@"; workers=$2; shift 2 ;;
	-s) need "$@"; seed=$2; shift 2 ;;
	-c) need "$@"; count=$2; shift 2 ;;
	-b) need "$@"; bench=$2; shift 2 ;;
	-quick | --quick) quick=1; shift ;;
	-h | -help | --help) usage; exit 0 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "bench.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
	esac
done

if [ -z "$iter" ]; then
	iter=10
	[ "$quick" = 1 ] && iter=1
fi
for v in "-i:$iter" "-c:$count"; do
	case "${v#*:}" in
	'' | *[!0-9]* | 0) echo "bench.sh: ${v%%:*} must be a positive integer, got '${v#*:}'" >&2; exit 2 ;;
	esac
done

command -v go >/dev/null || { echo "bench.sh: go is not installed (Go 1.26 or later is needed)" >&2; exit 1; }

# Absolute paths: go test runs the test binary in the package folder.
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
dir="$out/$(date +%Y-%m-%dT%H-%M-%S)"
suffix=1
while [ -e "$dir" ]; do
	suffix=$((suffix + 1))
	dir="$out/$(date +%Y-%m-%dT%H-%M-%S)-$suffix"
done
mkdir -p "$dir"

args=(-tag "$tag" -out "$dir" -n "$n" -k "$k" -seed "$seed")
[ -n "$workers" ] && args+=(-workers "$workers")
if [ "$quick" = 1 ]; then
	args+=(-scaling-max 10000 -lookups 200 -segments 32 -throughput-lookups 2000)
fi
args+=("${extra[@]}")

cd "$root"
# go test fetches the modules go.mod lists; download them first so that a
# missing network fails here, with a clear message.
go mod download || { echo "bench.sh: cannot download the Go modules of go.mod" >&2; exit 1; }

# The model benchmarks measure figures of the model (hops against N, grown
# tables, the table against published measurements): every round gives the
# same figures, and a round of the largest takes minutes. They run once, in
# a second pass with the tag <tag>-model, into the same folder; the first
# pass skips them, the second everything else (go test -list names them).
model='^(BenchmarkHopsScaling|BenchmarkGrow|BenchmarkAgainstMeasurements)$'
others=$(go test -list '^Benchmark' ./benchmarks/ | grep '^Benchmark' | grep -vE "$model" | paste -sd'|' -)
cmd=(go test -run '^$' -bench "$bench" -skip "$model" -benchtime "${iter}x" -count "$count" -timeout 0 ./benchmarks/ -args "${args[@]}")
mcmd=(go test -run '^$' -bench "$bench" -skip "^($others)\$" -benchtime 1x -count 1 -timeout 0 ./benchmarks/ -args "${args[@]}" -tag "$tag-model" -overwrite)
{
	printf '%q ' "${cmd[@]}"
	echo
	printf '%q ' "${mcmd[@]}"
	echo
} >"$dir/command.txt"
echo "running: $(cat "$dir/command.txt")"
echo "report folder: $dir"
start=$(date +%s)
# The go test output goes unchanged to bench.txt and bench-model.txt
# (benchstat reads them); the summary tables come after the benchmark
# lines, where benchstat ignores them.
status=0
"${cmd[@]}" 2>&1 | tee "$dir/bench.txt" || status=$?
if [ "$status" = 0 ]; then
	"${mcmd[@]}" 2>&1 | tee "$dir/bench-model.txt" || status=$?
fi
echo "bench.sh: finished in $(($(date +%s) - start)) s with status $status; report in $dir"
exit "$status"
