#!/bin/sh
# A Homeostat cluster on this machine: three simnodes on loopback.
#
#   deploy/local-cluster.sh start    start n1, n2, n3 (n2 and n3 join n1)
#   deploy/local-cluster.sh stop     stop them gracefully (SIGTERM)
#   deploy/local-cluster.sh status   show which are running, and where
#
# Node i (1..3) gossips on BASE+10(i-1), serves its API on BASE+10(i-1)+1
# and reserves BASE+10(i-1)+2 for protoactor remote; BASE is 7946, so n1's
# API is 127.0.0.1:7947, where simctl looks by default.
#
# Environment:
#   SIMNODE                  the simnode binary (default: bin/simnode)
#   HOMEOSTAT_CLUSTER_DIR    data dirs, logs and pid files (default:
#                            out/cluster)
#   HOMEOSTAT_BASE_PORT      first port (default: 7946)
#   HOMEOSTAT_SECRET_FILE    gossip key; when set, gossip is encrypted and
#                            the API wants the token (simctl --secret-file)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${HOMEOSTAT_CLUSTER_DIR:-$root/out/cluster}
simnode=${SIMNODE:-$root/bin/simnode}
base=${HOMEOSTAT_BASE_PORT:-7946}
nodes="1 2 3"

# port NODE OFFSET: OFFSET 0 gossip, 1 API, 2 remote.
port() {
	echo $((base + 10 * ($1 - 1) + $2))
}

# alive PID: the process exists and is not a zombie waiting to be reaped
# (the shell that started it has exited, so init reaps it, in its time).
alive() {
	kill -0 "$1" 2>/dev/null &&
		[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

running() {
	[ -f "$dir/n$1/pid" ] && alive "$(cat "$dir/n$1/pid")"
}

start_node() {
	i=$1
	d=$dir/n$i
	if running "$i"; then
		echo "n$i is already running (pid $(cat "$d/pid"))"
		return
	fi
	mkdir -p "$d"
	set -- --name "n$i" --profile local --data "$d" \
		--gossip "127.0.0.1:$(port "$i" 0)" \
		--api "127.0.0.1:$(port "$i" 1)" \
		--remote "127.0.0.1:$(port "$i" 2)"
	if [ "$i" -gt 1 ]; then
		set -- "$@" --join "127.0.0.1:$(port 1 0)"
	fi
	if [ -n "${HOMEOSTAT_SECRET_FILE:-}" ]; then
		set -- "$@" --secret-file "$HOMEOSTAT_SECRET_FILE"
	fi
	"$simnode" "$@" >>"$d/log" 2>&1 &
	echo $! >"$d/pid"
	echo "n$i started (pid $!), API 127.0.0.1:$(port "$i" 1), log $d/log"
}

# wait_ready NODE: wait up to 10 s for the node's state file, which it
# writes once it gossips and listens.
wait_ready() {
	n=0
	until [ -f "$dir/n$1/simnode.json" ]; do
		if ! running "$1" || [ $n -ge 100 ]; then
			echo "n$1 did not come up; its log:" >&2
			tail -n 20 "$dir/n$1/log" >&2
			exit 1
		fi
		n=$((n + 1))
		sleep 0.1
	done
}

stop_node() {
	i=$1
	if ! running "$i"; then
		rm -f "$dir/n$i/pid"
		return
	fi
	pid=$(cat "$dir/n$i/pid")
	kill -TERM "$pid"
	n=0
	while alive "$pid"; do
		if [ $n -ge 300 ]; then
			echo "n$i (pid $pid) ignores SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		n=$((n + 1))
		sleep 0.1
	done
	rm -f "$dir/n$i/pid"
	echo "n$i stopped"
}

case ${1:-start} in
start)
	if [ ! -x "$simnode" ]; then
		echo "no simnode at $simnode: run 'make build' or set SIMNODE" >&2
		exit 1
	fi
	for i in $nodes; do
		start_node "$i"
		wait_ready "$i"
	done
	echo "cluster up: simctl members --cluster 127.0.0.1:$(port 1 1)"
	;;
stop)
	# Last first: each leave then reaches members still running.
	for i in 3 2 1; do
		stop_node "$i"
	done
	;;
status)
	for i in $nodes; do
		if running "$i"; then
			echo "n$i running (pid $(cat "$dir/n$i/pid")), API 127.0.0.1:$(port "$i" 1)"
		else
			echo "n$i stopped"
		fi
	done
	;;
*)
	echo "usage: $0 [start|stop|status]" >&2
	exit 2
	;;
esac
