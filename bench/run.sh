#!/usr/bin/env bash
# bench/run.sh — Portico side by side with vsftpd, pyftpdlib, Apache MINA FtpServer, Postfix's smtp-sink,
# aiosmtpd, GreenMail and SubEthaSMTP, in one run, over real sockets on loopback, as ratios.
#
#   bench/run.sh                 full run (sizes of issue 7; about an hour on 2 cores)
#   QUICK=1 bench/run.sh         smoke run with small sizes (about 7 minutes)
#
# Everything is configurable by environment variables (defaults in brackets; QUICK=1 changes the sizes):
#   ROUNDS [3]                  rounds; each round runs every server once per workload, order rotated
#   WORKLOADS ["ftp-bulk ftp-sessions ftp-files ftp-capacity smtp smtp-capacity"]
#   FTP_SERVERS ["portico vsftpd pyftpdlib mina"]
#   SMTP_SERVERS ["portico-maildir portico-discard smtp-sink aiosmtpd greenmail subethasmtp"]
#   BIG_SIZE [1g | 64m]         file for RETR/STOR          BULK_REPEAT [1 | 3] transfers per measurement (median)
#   SESSION_CLIENTS ["50 200" | "10 50"]
#   SESSION_COUNT [3000 | 300]  sessions per measurement     FILES_COUNT [2000 | 300] 4 KiB RETRs in one session
#   CAPACITY_LEVELS [1000,5000,10000 | 200,500]             idle sessions held open, step by step
#   SMTP_SHAPES ["20:10k:4000 200:1k:4000 1:10k:1000" | "20:10k:400 200:1k:400 1:10k:100"]  sessions:size:total
#   SMTP_TOOLS ["java smtp-source"]  generators for the SMTP shapes (smtp-source only when installed)
#   MEASURE_LIMIT [60 | 30]     seconds a single measurement may take (then it reports what it did)
#   RUN_LIMIT [5400 | 900]      seconds for the whole run; measurements past it are skipped
#   BENCH_DIR [/dev/shm/portico-bench]   FTP roots and server data (tmpfs: the file comes from memory)
#   SMTP_DIR [$BENCH_DIR/srv]   where the mail servers write (set a disk path to measure durable delivery)
#   JAVA [first JDK 21+ found]  PORTICO_JAR [app/target/portico.jar]  PORTICO_ARGS []
#   PORTICO_JAVA_OPTS [the class cache ./portico keeps: AOT cache on JDK 25+, CDS archive before]
#   PORTICO_USER_ADD_ARGS []    extra arguments of `portico user add` (e.g. permissions, if it needs them)
#   INSTALL [1]                 install missing peers with apt-get (needs root)
#   SERVER_CPUS, GEN_CPUS []    pin servers and generators to CPU lists with taskset (e.g. 0 and 1); unpinned by default
#
# Results: one machine-readable line per measurement in bench/target/results-*.txt, then one table per workload.
set -uo pipefail

if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
QUICK=${QUICK:-0}
ROUNDS=${ROUNDS:-3}
WORKLOADS=${WORKLOADS:-"ftp-bulk ftp-sessions ftp-files ftp-capacity smtp smtp-capacity"}
FTP_SERVERS=${FTP_SERVERS:-"portico vsftpd pyftpdlib mina"}
SMTP_SERVERS=${SMTP_SERVERS:-"portico-maildir portico-discard smtp-sink aiosmtpd greenmail subethasmtp"}
if [[ $QUICK == 1 ]]; then
  BIG_SIZE=${BIG_SIZE:-64m}; SESSION_CLIENTS=${SESSION_CLIENTS:-"10 50"}; SESSION_COUNT=${SESSION_COUNT:-300}
  FILES_COUNT=${FILES_COUNT:-300}; CAPACITY_LEVELS=${CAPACITY_LEVELS:-200,500}
  SMTP_SHAPES=${SMTP_SHAPES:-"20:10k:400 200:1k:400 1:10k:100"}; MEASURE_LIMIT=${MEASURE_LIMIT:-30}
  RUN_LIMIT=${RUN_LIMIT:-900}; BULK_REPEAT=${BULK_REPEAT:-3}
else
  BIG_SIZE=${BIG_SIZE:-1g}; SESSION_CLIENTS=${SESSION_CLIENTS:-"50 200"}; SESSION_COUNT=${SESSION_COUNT:-3000}
  FILES_COUNT=${FILES_COUNT:-2000}; CAPACITY_LEVELS=${CAPACITY_LEVELS:-1000,5000,10000}
  SMTP_SHAPES=${SMTP_SHAPES:-"20:10k:4000 200:1k:4000 1:10k:1000"}; MEASURE_LIMIT=${MEASURE_LIMIT:-60}
  RUN_LIMIT=${RUN_LIMIT:-5400}; BULK_REPEAT=${BULK_REPEAT:-1}
fi
SMTP_TOOLS=${SMTP_TOOLS:-"java smtp-source"}
BENCH_DIR=${BENCH_DIR:-/dev/shm/portico-bench}
SMTP_DIR=${SMTP_DIR:-$BENCH_DIR/srv}
PORTICO_JAR=${PORTICO_JAR:-$ROOT/app/target/portico.jar}
# Unset: as ./portico starts it, with the JDK's class cache (portico_cache_opts); set: exactly these options.
PORTICO_JAVA_OPTS=${PORTICO_JAVA_OPTS:-}
PORTICO_ARGS=${PORTICO_ARGS:-}
PORTICO_USER_ADD_ARGS=${PORTICO_USER_ADD_ARGS:-}
INSTALL=${INSTALL:-1}
BENCH_USER=bench
BENCH_PASS=${BENCH_PASS:-bench-Pw-7}
RESULTS=${RESULTS:-$ROOT/bench/target/results-$(date -u +%Y%m%dT%H%M%SZ).txt}
LOGS=$BENCH_DIR/logs
START_EPOCH=$(date +%s)
DEADLINE=$((START_EPOCH + RUN_LIMIT))

# Loopback ports: control/listen ports in 12000-12999, passive ranges in 21000-25999, both outside the
# kernel's ephemeral range (32768-60999) so that client ports never collide with them.
declare -A PORT=([portico]=12121 [vsftpd]=12021 [pyftpdlib]=12031 [mina]=12041
  [portico-maildir]=12525 [portico-discard]=12526 [smtp-sink]=12527 [aiosmtpd]=12528 [greenmail]=12529
  [subethasmtp]=12530)
declare -A PASV=([portico]=21000-21999 [vsftpd]=22000-22999 [pyftpdlib]=23000-23999 [mina]=24000-24999
  [ceiling]=25000-25999)
declare -A PID=()
declare -A SKIP=()
declare -A STARTS=()

say() { printf '%s\n' "bench: $*" >&2; }
now_ms() { date +%s%3N; }
remaining() { echo $((DEADLINE - $(date +%s))); }

# ---------------------------------------------------------------- java, build, peers
find_java() {
  local c v
  for c in ${JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [[ -n $c && -x $c ]] || continue
    v=$("$c" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ -n $v && ${v%%.*} -ge 21 ]]; then JAVA=$c; JAVA_MAJOR=${v%%.*}; return 0; fi
  done
  say "no JDK 21+ found (set JAVA=/path/to/bin/java)"; exit 1
}

build_bench() {
  if [[ -f $ROOT/bench/target/bench.jar && -d $ROOT/bench/target/lib && ${REBUILD:-0} != 1 ]]; then return; fi
  say "building the bench module (mvn -pl bench -am package -DskipTests)"
  local lock=(); command -v flock >/dev/null && lock=(flock /tmp/portico-mvn.lock)
  (cd "$ROOT" && JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")") \
    "${lock[@]}" mvn -q -pl bench -am package -DskipTests) || { say "bench build failed"; exit 1; }
}

pyhas() { /usr/bin/python3 -c "import $1" 2>/dev/null; }

install_peers() {
  local pkgs=()
  command -v vsftpd >/dev/null || [[ -x /usr/sbin/vsftpd ]] || pkgs+=(vsftpd)
  [[ -x /usr/sbin/smtp-sink && -x /usr/sbin/smtp-source ]] || pkgs+=(postfix)
  pyhas pyftpdlib || pkgs+=(python3-pyftpdlib)
  pyhas aiosmtpd || pkgs+=(python3-aiosmtpd)
  ((${#pkgs[@]})) || return 0
  if [[ $INSTALL != 1 || $(id -u) != 0 ]]; then
    say "missing peers (${pkgs[*]}); not installing (INSTALL=$INSTALL, uid $(id -u)): those peers are skipped"; return 0
  fi
  say "installing ${pkgs[*]} with apt-get (services are not started: policy-rc.d, postfix 'No configuration')"
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"; } \
    > "$LOGS/apt.log" 2>&1 || say "apt-get failed (see $LOGS/apt.log): missing peers are skipped"
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
}

# ---------------------------------------------------------------- data
prepare_data() {
  mkdir -p "$BENCH_DIR/src/files" "$LOGS" "$BENCH_DIR/pids"
  local want; want=$(numfmt --from=iec "${BIG_SIZE^^}")
  if [[ ! -f $BENCH_DIR/src/big.bin || $(stat -c %s "$BENCH_DIR/src/big.bin") != "$want" ]]; then
    say "writing $BIG_SIZE of random bytes to $BENCH_DIR/src/big.bin"
    head -c "$want" /dev/urandom > "$BENCH_DIR/src/big.bin"
  fi
  [[ -f $BENCH_DIR/src/4k.bin ]] || head -c 4096 /dev/urandom > "$BENCH_DIR/src/4k.bin"
  if [[ ! -f $BENCH_DIR/src/files/f0099 ]]; then
    for i in $(seq -f %04g 0 99); do head -c 4096 /dev/urandom > "$BENCH_DIR/src/files/f$i"; done
  fi
}

# An FTP root: big.bin hard-linked (no copy of 1 GiB per server), 4k.bin, files/f0000..f0099, up/ for STOR.
ftp_root() {
  local dir=$1
  rm -rf "$dir"; mkdir -p "$dir/up"
  ln "$BENCH_DIR/src/big.bin" "$dir/big.bin" 2>/dev/null || cp "$BENCH_DIR/src/big.bin" "$dir/big.bin"
  cp "$BENCH_DIR/src/4k.bin" "$dir/4k.bin"; cp -r "$BENCH_DIR/src/files" "$dir/files"
}

# ---------------------------------------------------------------- servers
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The class cache ./portico keeps, kept here the same way in BENCH_DIR: on JDK 25+ the AOT cache, recorded by
# the first start (written as it stops) and used by the later ones; before, the class-data-sharing archive.
# Either goes when older than the jar, the AOT cache also when the JVM could not use it (its error log).
portico_cache_opts() {
  local aot=$BENCH_DIR/portico.aot jsa=$BENCH_DIR/portico.jsa
  if (( JAVA_MAJOR >= 25 )); then
    [[ -f $aot && ( $aot -ot $PORTICO_JAR || -s $aot.log ) ]] && rm -f "$aot"
    rm -f "$aot.log"
    if [[ -f $aot ]]; then echo "-XX:AOTCache=$aot -Xlog:aot=error:file=$aot.log::filecount=0"
    else echo "-XX:AOTCacheOutput=$aot"; fi
  else
    [[ -f $jsa && $jsa -ot $PORTICO_JAR ]] && rm -f "$jsa"
    echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$jsa"
  fi
}

# start NAME ROUND: starts the server in its own session (process group = its PID), waits until it is ready,
# and records the start-to-ready time. Returns 1 (and marks it skipped) if it cannot start.
start() {
  local name=$1 port=${PORT[$1]} dir log=$LOGS/$1.log ready="" cmd=()
  dir=$BENCH_DIR/srv/$name
  [[ $name == portico-maildir || $name == portico-discard || $name == aiosmtpd || $name == subethasmtp ]] \
    && dir=$SMTP_DIR/$name
  if port_busy "$port"; then say "$name: port $port is already in use; skipping $name"; SKIP[$name]=1; return 1; fi
  case $name in
    portico|portico-maildir|portico-discard)
      if [[ ! -f $PORTICO_JAR ]]; then
        say "$name: $PORTICO_JAR not found: Portico is skipped (build it: mvn -pl app -am package -DskipTests)"
        SKIP[$name]=1; return 1
      fi
      # The data folder is made once per run and kept between starts, as a real installation keeps it: only the
      # first start generates the self-signed TLS certificate (~0.8 s), later starts are ordinary restarts.
      if [[ ! -f $dir/.bench-user-added || ${STARTS[$name]:-0} == 0 ]]; then
        rm -rf "$dir"; mkdir -p "$dir/data"
        # shellcheck disable=SC2086
        if ! printf '%s\n' "$BENCH_PASS" | "$JAVA" -jar "$PORTICO_JAR" user add "$BENCH_USER" --data "$dir/data" \
            $PORTICO_USER_ADD_ARGS > "$LOGS/$name-useradd.log" 2>&1; then
          say "$name: 'portico user add' failed: $(tail -n 3 "$LOGS/$name-useradd.log" | tr '\n' ' ')"; SKIP[$name]=1; return 1
        fi
        touch "$dir/.bench-user-added"
      fi
      local ports=(--ftp-port off --smtp-port off --pop3-port off --imap-port off --telnet-port off) extra=()
      if [[ $name == portico ]]; then
        ftp_root "$dir/data/files/$BENCH_USER"
        ports=(--ftp-port "$port" --smtp-port off --pop3-port off --imap-port off --telnet-port off)
        extra=(--set "ftp.passive.ports=${PASV[portico]}")
      else
        ports=(--ftp-port off --smtp-port "$port" --pop3-port off --imap-port off --telnet-port off)
        [[ $name == portico-discard ]] && extra=(--set smtp.delivery=discard)
      fi
      # Every peer gets its connection caps lifted and an idle timeout of an hour; Portico likewise (its defaults
      # allow 200 sessions per address, and all of this run's clients come from 127.0.0.1).
      extra+=(--set max-sessions=100000 --set max-sessions-per-address=100000 --set idle-timeout=1h)
      local jopts=$PORTICO_JAVA_OPTS
      [[ -n $jopts ]] || jopts=$(portico_cache_opts)
      # shellcheck disable=SC2086
      cmd=("$JAVA" $jopts -jar "$PORTICO_JAR" serve --data "$dir/data" --bind 127.0.0.1 "${ports[@]}"
           "${extra[@]}" $PORTICO_ARGS)
      ready="portico: ready";;
    vsftpd)
      command -v vsftpd >/dev/null || [[ -x /usr/sbin/vsftpd ]] || { say "vsftpd not installed; skipped"; SKIP[$name]=1; return 1; }
      [[ $(id -u) == 0 ]] || { say "vsftpd needs root (system user login); skipped"; SKIP[$name]=1; return 1; }
      id "$BENCH_USER" >/dev/null 2>&1 || useradd -M -d "$dir/root" -s /bin/bash "$BENCH_USER"
      # SHA-512 crypt, not Debian 12's default yescrypt (~45 ms of CPU per login, which would measure the hash, not vsftpd)
      echo "$BENCH_USER:$BENCH_PASS" | chpasswd -c SHA512
      ftp_root "$dir/root"; chown -R "$BENCH_USER" "$dir/root"; mkdir -p /var/run/vsftpd/empty
      cat > "$dir/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root=$dir/root
pasv_enable=YES
pasv_min_port=${PASV[vsftpd]%-*}
pasv_max_port=${PASV[vsftpd]#*-}
connect_from_port_20=NO
max_clients=100000
max_per_ip=100000
idle_session_timeout=3600
data_connection_timeout=300
xferlog_enable=NO
dirmessage_enable=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
ssl_enable=NO
vsftpd_log_file=$LOGS/vsftpd-xfer.log
EOF
      cmd=(vsftpd "$dir/vsftpd.conf");;
    pyftpdlib)
      pyhas pyftpdlib || { say "pyftpdlib not installed; skipped"; SKIP[$name]=1; return 1; }
      ftp_root "$dir/root"
      cmd=(/usr/bin/python3 "$HERE/peers/pyftpdlib_peer.py" "$port" "$dir/root" "$BENCH_USER" "$BENCH_PASS"
           "${PASV[pyftpdlib]%-*}" "${PASV[pyftpdlib]#*-}")
      ready="pyftpdlib: ready";;
    mina)
      ftp_root "$dir/root"
      cmd=("$JAVA" -cp "$CP" dev.portico.bench.peers.MinaFtpPeer --port "$port" --root "$dir/root"
           --user "$BENCH_USER" --password "$BENCH_PASS" --passive-ports "${PASV[mina]}")
      ready="mina: ready";;
    smtp-sink)
      [[ -x /usr/sbin/smtp-sink ]] || { say "smtp-sink not installed (postfix); skipped"; SKIP[$name]=1; return 1; }
      mkdir -p "$dir"
      cmd=(/usr/sbin/smtp-sink -u nobody -m 100000 "127.0.0.1:$port" 1024);;
    aiosmtpd)
      pyhas aiosmtpd || { say "aiosmtpd not installed; skipped"; SKIP[$name]=1; return 1; }
      rm -rf "$dir"; mkdir -p "$dir"
      cmd=(/usr/bin/python3 "$HERE/peers/aiosmtpd_peer.py" "$port" "$dir/Maildir")
      ready="aiosmtpd: ready";;
    greenmail)
      mkdir -p "$dir"
      cmd=("$JAVA" -cp "$CP" dev.portico.bench.peers.GreenMailPeer --port "$port")
      ready="greenmail: ready";;
    subethasmtp)
      rm -rf "$dir"; mkdir -p "$dir"
      cmd=("$JAVA" -cp "$CP" dev.portico.bench.peers.SubethaPeer --port "$port" --dir "$dir/Maildir")
      ready="subethasmtp: ready";;
    *) say "unknown server $name"; return 1;;
  esac
  local t0 t1 pid
  : > "$log" # truncate before the start, or the wait below could read the previous run's readiness line
  t0=$(now_ms)
  [[ -n ${SERVER_CPUS:-} ]] && cmd=(taskset -c "$SERVER_CPUS" "${cmd[@]}")
  setsid "${cmd[@]}" >> "$log" 2>&1 < /dev/null &
  pid=$!
  PID[$name]=$pid; echo "$pid" > "$BENCH_DIR/pids/$name"
  local until=$(( $(date +%s) + 30 ))
  while :; do
    if [[ -n $ready ]]; then grep -q "$ready" "$log" 2>/dev/null && break
    elif port_busy "$port"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null || (( $(date +%s) > until )); then
      say "$name did not start: $(tail -n 5 "$log" | tr '\n' ' ')"; stop "$name"; SKIP[$name]=1; return 1
    fi
    sleep 0.02
  done
  t1=$(now_ms)
  # "round" of a start is the nth start of this server in the run, so that the nth starts of all servers pair up.
  STARTS[$name]=$(( ${STARTS[$name]:-0} + 1 ))
  echo "result workload=start-to-ready server=$name round=${STARTS[$name]} value=$((t1 - t0)) unit=ms" | tee -a "$RESULTS"
  # the readiness line may come just before the port is accepted: wait for the port too
  for _ in $(seq 100); do port_busy "$port" && break; sleep 0.05; done
}

# stop NAME: SIGTERM to the server's process group (its PID), SIGKILL after 10 s.
stop() {
  local name=$1 pid=${PID[$1]:-}
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset "PID[$name]"; rm -f "$BENCH_DIR/pids/$name"
}

stop_all() { local n; for n in "${!PID[@]}"; do stop "$n"; done; }
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

# ---------------------------------------------------------------- measuring
# gen SUBCOMMAND ARGS...: runs one generator, bounded by MEASURE_LIMIT and by the run's deadline.
gen() {
  local left; left=$(remaining)
  if (( left < 5 )); then say "run time bound (RUN_LIMIT=$RUN_LIMIT s) reached: skipping $1 $*"; return 1; fi
  local limit=$(( MEASURE_LIMIT < left ? MEASURE_LIMIT : left ))
  [[ $1 == capacity ]] && limit=$(( left < 600 ? left : 600 ))
  local out pin=()
  [[ -n ${GEN_CPUS:-} ]] && pin=(taskset -c "$GEN_CPUS")
  out=$(timeout --kill-after=10 $((limit + 90)) "${pin[@]}" "$JAVA" -Xmx2g -cp "$CP" dev.portico.bench.Main "$@" --time-limit "$limit" \
    2>> "$LOGS/generator.log" | grep '^result ')
  if [[ -z $out ]]; then
    say "$1 $(grep -o 'server=[^ ]*' <<< "$*" | head -n 1) gave no result (see $LOGS/generator.log)"; return 1
  fi
  printf '%s\n' "$out" | tee -a "$RESULTS"
}

ftp_args() { echo --host 127.0.0.1 --port "${PORT[$1]}" --user "$BENCH_USER" --password "$BENCH_PASS" --pid "${PID[$1]}" --tag "server=$1"; }

# rotate ROUND LIST...: the list rotated by ROUND-1, so no server always goes first.
rotate() { local r=$1; shift; local a=("$@") n=$#; local i; for ((i = 0; i < n; i++)); do echo "${a[$(( (i + r - 1) % n ))]}"; done; }

running() { local out=() s; for s in "$@"; do [[ -n ${PID[$s]:-} ]] && out+=("$s"); done; echo "${out[@]}"; }

clean_mail() {
  local d
  for d in "$SMTP_DIR"/*/data/mail/*/Maildir/new "$SMTP_DIR"/*/Maildir/new "$SMTP_DIR"/*/Maildir/cur; do
    [[ -d $d ]] && find "$d" -type f -delete
  done
}

has() { [[ " $WORKLOADS " == *" $1 "* ]]; }

ftp_phase() {
  local s r c servers
  for s in $FTP_SERVERS; do start "$s" 1; done
  servers=$(running $FTP_SERVERS)
  [[ -n $servers ]] || { say "no FTP server started"; return; }
  for r in $(seq "$ROUNDS"); do
    if has ftp-bulk; then
      gen loopback --local "$BENCH_DIR/src/big.bin" --tag "round=$r" --repeat "$BULK_REPEAT"
      for s in $(rotate "$r" $servers); do
        # shellcheck disable=SC2046
        gen ftp-bulk $(ftp_args "$s") --tag "round=$r" --mode retr --remote big.bin --local "$BENCH_DIR/src/big.bin" --repeat "$BULK_REPEAT"
        # shellcheck disable=SC2046
        gen ftp-bulk $(ftp_args "$s") --tag "round=$r" --mode stor --remote up/stor.bin --local "$BENCH_DIR/src/big.bin" --repeat "$BULK_REPEAT"
      done
    fi
    if has ftp-sessions; then
      for c in $SESSION_CLIENTS; do
        gen ftp-ceiling --clients "$c" --count "$SESSION_COUNT" --passive-ports "${PASV[ceiling]}" --tag server=ceiling --tag "round=$r"
        for s in $(rotate "$r" $servers); do
          # shellcheck disable=SC2046
          gen ftp-sessions $(ftp_args "$s") --tag "round=$r" --clients "$c" --count "$SESSION_COUNT"
        done
      done
    fi
    if has ftp-files; then
      for s in $(rotate "$r" $servers); do
        # shellcheck disable=SC2046
        gen ftp-files $(ftp_args "$s") --tag "round=$r" --count "$FILES_COUNT" --files 100
      done
    fi
  done
  for s in $servers; do stop "$s"; done
}

# Capacity: every server fresh for every round, so that earlier workloads do not hide in its memory.
capacity_phase() {
  local proto=$1 list=$2 r s
  for r in $(seq "$ROUNDS"); do
    for s in $(rotate "$r" $list); do
      [[ -n ${SKIP[$s]:-} ]] && continue
      start "$s" "$r" || continue
      sleep 1
      # shellcheck disable=SC2046
      gen capacity --protocol "$proto" $(ftp_args "$s") --tag "round=$r" --levels "$CAPACITY_LEVELS"
      stop "$s"
    done
  done
}

smtp_phase() {
  local s r shape n size total servers tool
  for s in $SMTP_SERVERS; do start "$s" 1; done
  servers=$(running $SMTP_SERVERS)
  [[ -n $servers ]] || { say "no SMTP server started"; return; }
  for shape in $SMTP_SHAPES; do
    IFS=: read -r n size total <<< "$shape"
    for r in $(seq "$ROUNDS"); do
      for tool in $SMTP_TOOLS; do
        if [[ $tool == smtp-source && ! -x /usr/sbin/smtp-source ]]; then continue; fi
        for s in $(rotate "$r" $servers); do
          if [[ $tool == java ]]; then
            gen smtp-load --host 127.0.0.1 --port "${PORT[$s]}" --pid "${PID[$s]}" --tag "server=$s" --tag "round=$r" \
              --sessions "$n" --messages $(( (total + n - 1) / n )) --size "$size" --to "$BENCH_USER@localhost"
          else
            gen smtp-source --bin /usr/sbin/smtp-source --host 127.0.0.1 --port "${PORT[$s]}" --pid "${PID[$s]}" \
              --tag "server=$s" --tag "round=$r" --sessions "$n" --total "$total" --size "$size" --to "$BENCH_USER@localhost"
          fi
          clean_mail
        done
      done
    done
  done
  for s in $servers; do stop "$s"; done
}

# ---------------------------------------------------------------- main
main() {
  mkdir -p "$LOGS" "$(dirname "$RESULTS")"
  : > "$LOGS/generator.log"
  find_java
  say "java: $JAVA; results: $RESULTS; QUICK=$QUICK ROUNDS=$ROUNDS RUN_LIMIT=${RUN_LIMIT}s BENCH_DIR=$BENCH_DIR"
  build_bench
  CP="$ROOT/bench/target/bench.jar:$ROOT/bench/target/lib/*"
  install_peers
  ulimit -Hn 200000 2>/dev/null; ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  local most; most=$(tr ',' '\n' <<< "$CAPACITY_LEVELS" | sort -n | tail -n 1)
  if (( $(ulimit -n) < most + 1000 )); then
    say "file descriptor limit $(ulimit -n) is below the largest capacity level $most + 1000: capacity stops early"
  else
    say "file descriptors: $(ulimit -n) per process"
  fi
  prepare_data
  [[ -f $PORTICO_JAR ]] || say "PORTICO MISSING: $PORTICO_JAR not found, so this run measures the peers only (no ratios)"
  {
    echo "# bench/run.sh $(date -u +%FT%TZ) host=$(hostname) cpus=$(nproc) kernel=$(uname -r) java=$("$JAVA" -version 2>&1 | head -n 1 | tr ' ' '_')"
    echo "# QUICK=$QUICK ROUNDS=$ROUNDS BIG_SIZE=$BIG_SIZE BULK_REPEAT=$BULK_REPEAT SESSION_CLIENTS='$SESSION_CLIENTS' SESSION_COUNT=$SESSION_COUNT FILES_COUNT=$FILES_COUNT CAPACITY_LEVELS=$CAPACITY_LEVELS SMTP_SHAPES='$SMTP_SHAPES' BENCH_DIR=$BENCH_DIR SMTP_DIR=$SMTP_DIR"
  } >> "$RESULTS"
  if has ftp-bulk || has ftp-sessions || has ftp-files; then ftp_phase; fi
  has smtp && smtp_phase
  # Capacity last: holding 10,000 sessions of a forking server is the slowest part of a run.
  has ftp-capacity && capacity_phase ftp "$FTP_SERVERS"
  if has smtp-capacity; then
    local list=() s
    for s in $SMTP_SERVERS; do [[ $s == portico-discard ]] || list+=("$s"); done
    capacity_phase smtp "${list[*]}"
  fi
  stop_all
  rm -f "$BENCH_DIR"/srv/*/root/up/* 2>/dev/null
  echo
  echo "Portico benchmark, $(date -u +%F), $(nproc) cores, $(uname -r); $(($(date +%s) - START_EPOCH)) s; results in $RESULTS"
  "$JAVA" -cp "$CP" dev.portico.bench.Main report --file "$RESULTS"
}

main "$@"
exit $?
