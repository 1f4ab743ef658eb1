#!/usr/bin/env bash
# bench/startup.sh — time from launch to the `portico: ready` line, every server on (telnet, ftp, smtp, pop3,
# imap, all on port 0), with a data folder that already exists (a user, the TLS identity: a restart).
#
#   bench/startup.sh             N starts of the jar (java -jar), then N through the ./portico launcher
#   RUNS=20 bench/startup.sh     more starts per way (default 15)
#   WAYS="launcher" ...          only some ways: "jar" (plain java -jar, no class cache), "launcher" (./portico,
#                                with its class cache, written by a warm-up start that is not counted)
#   LAUNCHER=/opt/portico/portico  the launcher of the "launcher" way ([./portico of this checkout]; an installed
#                                copy uses the portico.jar beside it: two such copies compare two builds)
#   JAVA=/path/bin/java          the JDK for the "jar" way ([first JDK 21+ in JAVA_HOME, PATH, /usr/lib/jvm])
#   EXTRA="--set k=v"            more arguments for every start
#   JAVA_OPTS="-Xlog:..."        JVM options of the "jar" way (e.g. -XX:AOTCache=FILE to compare caches)
#   FILL="FILES MESSAGES QUEUED" a data folder in use: FILES files in the user's home (100 per folder), MESSAGES
#                                messages in 10 users' Maildirs, QUEUED messages in the outbound queue (next try in a
#                                day, so none is sent); e.g. FILL="5000 20000 1000". Default: none of them
#
# Prints one line per start and a summary per way: median, worst, best (ms). Every start is bounded
# (TIMEOUT seconds, default 20) and stopped with SIGTERM after its ready line. Runs nothing else; take
# the build lock around it on a shared machine (flock /tmp/portico-build.lock bench/startup.sh).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
RUNS=${RUNS:-15}
WAYS=${WAYS:-"jar launcher"}
TIMEOUT=${TIMEOUT:-20}
EXTRA=${EXTRA:-}
JAR=${PORTICO_JAR:-$ROOT/app/target/portico.jar}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z ${JAVA:-} ]]; then
  for c in ${JAVA_HOME:+$JAVA_HOME/bin/java} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [[ -n $c && -x $c ]] || continue
    v=$("$c" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ -n $v && ${v%%.*} -ge 21 ]]; then JAVA=$c; break; fi
  done
fi
[[ -n ${JAVA:-} ]] || { echo "startup: no JDK 21+ found (set JAVA)" >&2; exit 1; }
[[ -f $JAR ]] || { echo "startup: $JAR missing (mvn -pl app -am package -DskipTests)" >&2; exit 1; }

# The data folder of a server that ran before: a user, and the TLS identity its first start made.
data=$work/data
printf 'startup-Pw-1\n' | "$JAVA" -jar "$JAR" user add bench --data "$data" >/dev/null
# FILL: what a server in use has accumulated, so that a start whose work grows with the data folder shows it.
if [[ -n ${FILL:-} ]]; then
  read -r nfiles nmessages nqueued <<< "$FILL"
  for ((i = 0; i < ${nfiles:-0}; i++)); do
    (( i % 100 == 0 )) && mkdir -p "$data/files/bench/d$((i / 100))"
    printf 'file %d\n' "$i" > "$data/files/bench/d$((i / 100))/f$i.txt"
  done
  for ((u = 0; u < 10 && ${nmessages:-0} > 0; u++)); do mkdir -p "$data/mail/user$u/Maildir/"{tmp,new,cur}; done
  for ((i = 0; i < ${nmessages:-0}; i++)); do
    printf 'Subject: %d\r\n\r\nhello\r\n' "$i" > "$data/mail/user$((i % 10))/Maildir/cur/1700000000.M${i}P1.bench:2,S"
  done
  (( ${nqueued:-0} > 0 )) && mkdir -p "$data/queue"
  next=$(date -u -d '+1 day' +%Y-%m-%dT%H\\:%M\\:%SZ); arrival=$(date -u +%Y-%m-%dT%H\\:%M\\:%SZ)
  first=$(( $(date +%s) * 1000 - 1000000 ))
  for ((i = 0; i < ${nqueued:-0}; i++)); do
    printf -v id '%011X%04X' "$(( first + i ))" "$i"
    printf 'Subject: queued %d\r\n\r\nhello\r\n' "$i" > "$data/queue/$id.eml"
    printf 'id=%s\nsender=bench@localhost\narrival=%s\nbody=7BIT\nsmtputf8=false\nsize=30\nrecipients=1\nrcpt.0.address=someone@example.net\nrcpt.0.state=PENDING\nrcpt.0.attempts=1\nrcpt.0.next=%s\nrcpt.0.reported=false\n' \
      "$id" "$arrival" "$next" > "$data/queue/$id.env"
  done
fi
ports=(--telnet-port 0 --ftp-port 0 --smtp-port 0 --pop3-port 0 --imap-port 0)

# one_start CMD...: prints the milliseconds from launch to the ready line, or fails.
one_start() {
  local out=$work/out t0 t1 pid deadline
  : > "$out"
  t0=$(date +%s%N)
  "$@" --data "$data" "${ports[@]}" $EXTRA > "$out" 2>"$work/err" &
  pid=$!
  deadline=$(( $(date +%s) + TIMEOUT ))
  until grep -q '^portico: ready$' "$out"; do
    if ! kill -0 "$pid" 2>/dev/null || (( $(date +%s) > deadline )); then
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      echo "startup: no ready line: $(tail -n 3 "$work/err" "$out" | tr '\n' ' ')" >&2; return 1
    fi
    sleep 0.002
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  echo $(( (t1 - t0) / 1000000 ))
}

summary() {   # WAY, then the times
  local way=$1; shift
  (($#)) || { echo "startup: $way: no successful start"; return; }
  local sorted; sorted=($(printf '%s\n' "$@" | sort -n))
  local n=${#sorted[@]}
  local median=$(( n % 2 ? sorted[n/2] : (sorted[n/2-1] + sorted[n/2]) / 2 ))
  echo "startup: $way: median ${median} ms, worst ${sorted[n-1]} ms, best ${sorted[0]} ms over $n starts"
}

# A start never measured first, for each way: the page cache holds the jar, and the launcher writes its class cache.
for way in $WAYS; do
  case $way in
    jar)      cmd=("$JAVA" ${JAVA_OPTS:-} -jar "$JAR") ;;
    launcher) cmd=("${LAUNCHER:-$ROOT/portico}") ;;
    *) echo "startup: unknown way $way (jar, launcher)" >&2; exit 1 ;;
  esac
  one_start "${cmd[@]}" > /dev/null || exit 1
  [[ $way == launcher ]] && { one_start "${cmd[@]}" > /dev/null || exit 1; }
  times=()
  for ((i = 1; i <= RUNS; i++)); do
    t=$(one_start "${cmd[@]}") || continue
    echo "result workload=start-to-ready way=$way run=$i value=$t unit=ms"
    times+=("$t")
  done
  summary "$way" "${times[@]}"
done
