#!/usr/bin/env bash
# Guard in one command:  ./demo.sh [gc|starve|leak]
#
#  1. builds samples/TradingBot with Guard's analyzers and lists the GRD warnings of the build;
#  2. packs the guard tool and installs it into a local folder (dotnet tool install --tool-path);
#  3. starts the sample exchange on 127.0.0.1 and the bot with --scenario <scenario>;
#  4. attaches guard to the bot and shows the finding as soon as guard reports it: first as text, the way a person
#     sees it at a terminal, then the same finding as JSON (--format json), the way CI and scripts read it.
#
# Scenarios: gc (default: GC pressure, found in seconds), starve (thread-pool starvation), leak (a memory leak of
# about 4 MB/s; a leak is only suspected once its growth outlasts the longest cache cycle guard tolerates, 150 s).
# Exit code: 0 when guard reports the finding the scenario causes,
# 1 when it reports none in time, 2 on an error. Everything the script starts is stopped when it ends.
#
# Environment: GUARD_DEMO_ARTIFACTS  build output, logs and the installed tool (default: artifacts/demo)
#              GUARD_DEMO_DURATION   seconds guard watches the bot (default: 60 for gc and starve, 300 for leak)
#              GUARD_DEMO_GUARD      a guard command to use instead of packing one from runtime/Guard.Cli
set -uo pipefail

# The comment at the top of this file.
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

scenario="${1:-gc}"
case "$scenario" in
  gc) expected=gc-pressure; duration=60 ;;
  starve) expected=threadpool-starvation; duration=60 ;;
  leak) expected=memory-leak; duration=300 ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
duration="${GUARD_DEMO_DURATION:-$duration}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
artifacts="${GUARD_DEMO_ARTIFACTS:-$root/artifacts/demo}"
logs="$artifacts/logs"
mkdir -p "$logs"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Builds leave no MSBuild node or build server running after the script.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1

if [ -t 1 ]; then bold=$'\e[1m'; dim=$'\e[2m'; yellow=$'\e[33m'; green=$'\e[32m'; red=$'\e[31m'; reset=$'\e[0m'
else bold=''; dim=''; yellow=''; green=''; red=''; reset=''; fi

step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
# die <exit code> <message>
die() { local code=$1; shift; printf '%s%s%s\n' "$red" "$*" "$reset" >&2; exit "$code"; }

# Background processes the script started and has not reaped yet. An unreaped process keeps its pid, so the
# cleanup can never signal a stranger: TERM to each, then KILL after 5 s.
started=()
# running <pid>: alive and not a zombie (an exited child stays one until it is reaped).
running() {
  local state=''
  if [ -r "/proc/$1/stat" ]; then
    read -r state <"/proc/$1/stat" 2>/dev/null && state="${state##*) }"
  elif command -v ps >/dev/null; then
    state="$(ps -o stat= -p "$1" 2>/dev/null)"
  else
    kill -0 "$1" 2>/dev/null && state=R
  fi
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}
forget() {
  local pid kept=()
  for pid in "${started[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  started=("${kept[@]+"${kept[@]}"}")
}
cleanup() {
  local pid waited
  for pid in "${started[@]+"${started[@]}"}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${started[@]+"${started[@]}"}"; do
    for ((waited = 0; waited < 25; waited++)); do running "$pid" || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bounded <seconds> <log> <command...>: runs the command with its output in the log; kills it if it overruns.
bounded() {
  local limit=$1 log=$2 ticks=0 pid code
  shift 2
  "$@" >"$log" 2>&1 </dev/null &
  pid=$!
  started+=("$pid")
  while running "$pid"; do
    if ((ticks >= limit * 5)); then
      kill -TERM "$pid" 2>/dev/null; sleep 2; kill -KILL "$pid" 2>/dev/null
      echo "timed out after ${limit}s: $*" >>"$log"
      break
    fi
    sleep 0.2; ticks=$((ticks + 1))
  done
  wait "$pid"; code=$?
  forget "$pid"
  ((ticks >= limit * 5)) && return 124
  return "$code"
}

# run <seconds> <name> <command...>: a build step; on failure, the end of its log and exit 2.
run() {
  local limit=$1 name=$2
  shift 2
  if ! bounded "$limit" "$logs/$name.log" "$@"; then
    tail -n 40 "$logs/$name.log" >&2
    die 2 "failed: $* (log: $logs/$name.log)"
  fi
}

# wait_for_line <seconds> <pid> <file> <sed expression>: prints the first match once the file has one.
wait_for_line() {
  local limit=$1 pid=$2 file=$3 expression=$4 ticks=0 match
  while ((ticks < limit * 5)); do
    match="$(sed -n "$expression" "$file" 2>/dev/null | head -n 1)"
    if [ -n "$match" ]; then printf '%s\n' "$match"; return 0; fi
    running "$pid" || return 1
    sleep 0.2; ticks=$((ticks + 1))
  done
  return 1
}

# json_field <name> <line>: the value of a top-level string field of a one-line JSON object.
json_field() {
  printf '%s\n' "$2" | sed -nE 's/.*"'"$1"'":"(([^"\\]|\\.)*)".*/\1/p' | sed 's/\\"/"/g'
}

command -v dotnet >/dev/null || die 2 "dotnet not found: the demo needs the .NET 10 SDK (https://dot.net)"

# No compiler server either: nothing of the build stays behind.
build=(-c Release -tl:off -nologo --artifacts-path "$artifacts" -p:UseSharedCompilation=false)

step "Building samples/TradingBot with Guard's analyzers"
run 600 build-analyzers dotnet build "$root/analyzers/Guard.Analyzers.CodeFixes/Guard.Analyzers.CodeFixes.csproj" "${build[@]}"
# The bot alone, always compiled again (an up-to-date build would skip the compiler, and its warnings with it).
run 600 build-bot dotnet build "$root/samples/TradingBot/TradingBot.csproj" "${build[@]}" --no-incremental -p:BuildProjectReferences=false
warnings="$(sed -nE 's#^[[:space:]]*(.+)\(([0-9]+),[0-9]+\): warning (GRD[0-9]{3}): (.*) \[[^]]*\]$#\1:\2|\3|\4#p' "$logs/build-bot.log" |
  sed -E "s#^$root/##; s# \(https?://[^)]*\)\$##" | sort -u | sort -t: -k1,1 -k2,2n)"
if [ -z "$warnings" ]; then
  echo "  no Guard warning in the build (log: $logs/build-bot.log)"
else
  printf '%s\n' "$warnings" | while IFS='|' read -r where id message; do
    printf '  %s%s%s  %-45s %s\n' "$yellow" "$id" "$reset" "$where" "$message"
  done
  printf '  %s%s warnings:%s' "$dim" "$(printf '%s\n' "$warnings" | wc -l | tr -d ' ')" "$reset"
  printf '%s\n' "$warnings" | cut -d'|' -f2 | sort | uniq -c | while read -r count id; do printf ' %s %s×%s%s' "$id" "$dim" "$count" "$reset"; done
  printf '\n  Each one is explained in docs/rules/GRDnnn.md; samples/TradingBot.Fixed is the same bot without them.\n'
fi

step "Building the sample exchange"
run 600 build-exchange dotnet build "$root/samples/Exchange/Exchange.csproj" "${build[@]}"

if [ -n "${GUARD_DEMO_GUARD:-}" ]; then
  guard="$GUARD_DEMO_GUARD"
  step "Using $guard"
else
  step "Packing the guard tool and installing it into $artifacts/tools"
  rm -rf "$artifacts/feed" "$artifacts/tools" "$artifacts/tool-packages"
  run 600 pack-guard dotnet pack "$root/runtime/Guard.Cli/Guard.Cli.csproj" "${build[@]}" -o "$artifacts/feed"
  package="$(ls "$artifacts/feed"/Guard.Cli.*.nupkg 2>/dev/null | head -n 1)"
  [ -n "$package" ] || die 2 "no Guard.Cli package in $artifacts/feed"
  version="${package##*/Guard.Cli.}"; version="${version%.nupkg}"
  # Only the local feed, and a packages folder of its own: the version is the same at every pack, and a shared
  # packages folder would go on serving the first package it saw.
  printf '<configuration><packageSources><clear /><add key="guard-demo" value="%s" /></packageSources></configuration>\n' \
    "$artifacts/feed" >"$artifacts/feed/nuget.config"
  run 300 install-guard env NUGET_PACKAGES="$artifacts/tool-packages" \
    dotnet tool install Guard.Cli --version "$version" --tool-path "$artifacts/tools" --configfile "$artifacts/feed/nuget.config"
  guard="$artifacts/tools/guard"
  installed="$("$guard" --version 2>/dev/null | head -n 1)"
  echo "  guard ${installed%%+*} installed: $guard"
fi

step "Starting the exchange on 127.0.0.1"
dotnet "$artifacts/bin/Exchange/release/Exchange.dll" --urls http://127.0.0.1:0 --shutdown-after $((duration + 600)) \
  >"$logs/exchange.log" 2>&1 </dev/null &
exchange_pid=$!
started+=("$exchange_pid")
url="$(wait_for_line 60 "$exchange_pid" "$logs/exchange.log" 's/^Exchange listening on \(http[^ ]*\).*/\1/p')" ||
  die 2 "the exchange did not start (log: $logs/exchange.log)"
echo "  exchange pid $exchange_pid at $url"

step "Starting the bot: TradingBot --scenario $scenario"
bot=("$artifacts/bin/TradingBot/release/TradingBot")
[ -x "${bot[0]}" ] || bot=(dotnet "$artifacts/bin/TradingBot/release/TradingBot.dll")
# The bot's own --duration is a second bound, should this script be killed before it can clean up.
"${bot[@]}" --exchange "$url" --scenario "$scenario" --duration $((duration + 120)) >"$logs/bot.log" 2>&1 </dev/null &
bot_pid=$!
started+=("$bot_pid")
wait_for_line 60 "$bot_pid" "$logs/bot.log" '/^TradingBot started/p' >/dev/null ||
  die 2 "the bot did not start (log: $logs/bot.log)"
echo "  bot pid $bot_pid"

# Two sessions on the bot at once (EventPipe allows several): the text a person reads at a terminal, shown first,
# and the JSON a machine reads, shown after it; the JSON one decides when the expected finding is out.
step "guard attach $bot_pid --duration $duration    (text, as a person sees it)"
text="$logs/guard.txt"
findings="$logs/findings.jsonl"
: >"$text"; : >"$findings"
# For the leak, the trend is judged over 30 s instead of 150 (the bot leaks fast, and a smaller heap is snapshotted
# sooner), and only the text session takes heap snapshots: two sessions snapshotting at once would pause the bot
# twice and overflow the runtime's event buffer. The JSON line then carries the allocation list only.
text_extra=() json_extra=() settle_max=15
if [ "$scenario" = leak ]; then
  settle_max=120 # the text session holds its finding for two snapshots 20 s apart and reads them
  text_extra=(-t leak.min-span=30); json_extra=(-t leak.min-span=30 --no-heap-snapshots)
fi
"$guard" attach "$bot_pid" --duration "$duration" "${text_extra[@]}" >"$text" 2>"$logs/guard-text.err" </dev/null &
text_pid=$!
started+=("$text_pid")
"$guard" attach "$bot_pid" --duration "$duration" --format json "${json_extra[@]}" >"$findings" 2>"$logs/guard.err" </dev/null &
guard_pid=$!
started+=("$guard_pid")
text_shown=0 found='' ticks=0 settle=0
while :; do
  while IFS= read -r line; do
    text_shown=$((text_shown + 1))
    printf '  %s\n' "$line"
  done < <(tail -n +$((text_shown + 1)) "$text")
  if [ -z "$found" ] && grep -q "\"kind\":\"$expected\"" "$findings" 2>/dev/null; then found=yes; fi
  # Once found, a moment for the text block of the same finding (the two sessions see it within a second or so).
  if [ -n "$found" ]; then
    grep -q " $expected in " "$text" 2>/dev/null && break
    running "$text_pid" || break
    ((settle >= settle_max * 5)) && break
    settle=$((settle + 1))
  fi
  running "$guard_pid" || [ -n "$found" ] || break
  # guard bounds itself with --duration; this is the bound should it not.
  ((ticks >= (duration + 60) * 5)) && break
  sleep 0.2; ticks=$((ticks + 1))
done
while IFS= read -r line; do printf '  %s\n' "$line"; done < <(tail -n +$((text_shown + 1)) "$text")
# SIGTERM is a clean stop: guard ends the session and prints its summary line.
if running "$text_pid"; then
  kill -TERM "$text_pid" 2>/dev/null
  for ((waited = 0; waited < 25; waited++)); do running "$text_pid" || break; sleep 0.2; done
fi
grep '^guard: watched' "$logs/guard-text.err" 2>/dev/null | sed "s/^/  $dim/; s/\$/$reset/"

step "The same session as JSON: guard attach $bot_pid --duration $duration --format json"
reported=0
while IFS= read -r line; do
  case "$line" in *'"kind":'*) ;; *) continue ;; esac
  reported=$((reported + 1))
  kind="$(json_field kind "$line")"
  printf '  %s%s %s%s: %s\n' "$bold" "$(json_field severity "$line")" "$kind" "$reset" "$(json_field message "$line")"
  printf '    %s%s%s\n' "$dim" "$line" "$reset"
done <"$findings"

if [ -n "$found" ]; then
  kill -TERM "$guard_pid" 2>/dev/null
  printf '\n%sguard found %s in the bot, as the %s scenario makes it.%s\n' "$green" "$expected" "$scenario" "$reset"
  grep '^\[' "$logs/bot.log" | tail -n 1 | sed "s/^/  the bot's own view: /"
  echo "  logs: $logs"
  exit 0
fi

if running "$guard_pid"; then
  kill -TERM "$guard_pid" 2>/dev/null
  guard_status="still running after $((duration + 60))s"
else
  wait "$guard_pid"; code=$?
  forget "$guard_pid"
  guard_status="exit code $code"
  # 1 means findings were reported: without a single one in the output, it was an error all the same.
  if [ "$code" -ge 2 ] || { [ "$code" -eq 1 ] && [ "$reported" -eq 0 ]; }; then
    cat "$logs/guard.err" "$findings" | head -n 40 | sed 's/^/  /' >&2
    die 2 "guard attach failed ($guard_status)"
  fi
fi
die 1 "guard reported no $expected finding in ${duration}s ($guard_status; logs: $logs). Try a longer GUARD_DEMO_DURATION."
