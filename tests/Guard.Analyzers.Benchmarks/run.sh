#!/bin/bash
# Analyzer cost benchmark (docs/benchmarks.md, "Analyzer cost"): generates service code bases of the given sizes in
# lines, builds each once with ReportAnalyzer, Guard's analyzer assembly and the three peer analyzer packages in the
# same csc run, and prints each build's times. Not run by CI.
#   tests/Guard.Analyzers.Benchmarks/run.sh [lines...]        (default: 50000 100000 200000)
# GUARD_BENCH_DIR (default /tmp/guard-analyzer-bench) holds the generated projects and the build logs.
# To time Guard's rules alone, in process, on a code base this script generated and restored (no csc, no peers):
#   dotnet <bench.dll> profile "$GUARD_BENCH_DIR/50000" <Guard.Analyzers.dll> [runs] [diagnostics.txt]
# GUARD_BENCH_SEQUENTIAL=1 also reruns each build's csc command with /parallel- (analyzer times without preemption),
# reported beside the builds.
# (GUARD_PROFILE_RULES=GRD001,GRD004 for some rules only; GUARD_PROFILE_SEQUENTIAL=1 on one thread, steadier; the
# diagnostics file compares two builds of the analyzers.)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${GUARD_BENCH_DIR:-/tmp/guard-analyzer-bench}
sizes=${*:-50000 100000 200000}
mkdir -p "$out"
dotnet build "$root/analyzers/Guard.Analyzers" -c Release -v q -nologo
dotnet build "$root/tests/Guard.Analyzers.Benchmarks" -c Release -v q -nologo
analyzer="$root/analyzers/Guard.Analyzers/bin/Release/netstandard2.0/Guard.Analyzers.dll"
bench="$root/tests/Guard.Analyzers.Benchmarks/bin/Release/net10.0/Guard.Analyzers.Benchmarks.dll"
logs=()
for size in $sizes; do
  dir="$out/$size"
  dotnet "$bench" generate "$dir" "$size"
  dotnet restore "$dir" -v q -nologo
  echo "building $size lines; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  # One node, no incremental reuse: the csc run is the whole measurement. Detailed verbosity carries the
  # ReportAnalyzer table, the performance summary the Csc task's time.
  dotnet build "$dir" --no-restore --no-incremental -c Release -m:1 -nologo -clp:ErrorsOnly \
    -p:GuardAnalyzer="$analyzer" -flp:"verbosity=detailed;PerformanceSummary;logfile=$out/build-$size.log"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  logs+=("$out/build-$size.log")
  if [ "${GUARD_BENCH_SEQUENTIAL:-0}" = 1 ]; then
    # csc's analyzer times are callback wall-clock times: on a small machine a callback preempted by the other
    # analyzers' threads is charged for the wait. The same csc command line again with /parallel- runs the analyzers
    # one callback at a time, so each package's time is its own work.
    csc=$(grep -m1 -oE '/[^ ]+/Roslyn/bincore/csc' "$out/build-$size.log")
    grep -m1 -E "^\s+$csc " "$out/build-$size.log" | sed -E "s|^\s+$csc ||; s|/out:[^ ]+|/out:$out/sequential-$size.dll|; s|/refout:[^ ]+||" > "$out/sequential-$size.rsp"
    echo "sequential csc on $size lines; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && /usr/bin/time -f "csc wall %e s, user %U s, sys %S s" dotnet "$csc.dll" @"$out/sequential-$size.rsp" /parallel- > "$out/sequential-$size.txt" 2>&1 || true)
    tail -1 "$out/sequential-$size.txt"
    logs+=("$out/sequential-$size.txt")
  fi
done
dotnet "$bench" report "${logs[@]}"
