#!/usr/bin/env bash
# The cost of a cached `git get` through a forwarded agent next to a local
# one, side by side in one hyperfine run (medians):
#   testdata/bench/forward.sh          (from the repository root, as root: it runs an sshd)
#   RUNS=100 testdata/bench/forward.sh fewer runs per command (default 200)
#
# The laptop and the "remote" are this machine: a throwaway sshd on
# 127.0.0.1 (root login with a throwaway key) and `ssh -N -R` forwarding the
# agent's forward socket, so the figures are the helper's and ssh's own
# cost with no network in between (a real remote adds one round trip).
#   local        camunda-credential-helper-fast git get, the agent's own socket
#   forward      the same through the forward socket, named by
#                CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET (no ssh)
#   ssh          the same through the socket ssh -R made (sshd -> ssh -> agent)
#   full-local, full-ssh   the full binary, the same two ways
# git get reads stdin, so hyperfine (1.15 has no --input) runs it through a
# shell and subtracts the shell's start; terraform get, the same token path
# without stdin, is measured without a shell, both ways through
# /usr/bin/env (the variable), so the wrapper costs each the same.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${CCH_TEST_KEYRING:-}" != private ]; then
  exec scripts/with-keyring "$0" "$@"
fi
[ "$(id -u)" = 0 ] || { echo "forward.sh: needs root (it runs an sshd)" >&2; exit 1; }
for t in hyperfine ssh ssh-keygen /usr/sbin/sshd; do
  command -v "$t" >/dev/null || { echo "forward.sh: needs $t (apt-get install hyperfine openssh-server)" >&2; exit 1; }
done

RUNS=${RUNS:-200}
work=$(mktemp -d); chmod 700 "$work"
bin=$work/bin
cch=$bin/camunda-credential-helper
fast=$bin/camunda-credential-helper-fast
server= sshd= tunnel=
cleanup() {
  for p in $tunnel $sshd $server; do kill "$p" 2>/dev/null || true; done
  if [ -x "$cch" ]; then "$cch" agent stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$bin"
build() { CGO_ENABLED=0 go build -trimpath -ldflags "-X main.Version=bench-$$" -o "$@"; }
build "$cch" .
build "$fast" ./cmd/camunda-credential-helper-fast
build "$work/tokenserver" ./testdata/bench/tokenserver

secret=bench-secret-$RANDOM$RANDOM
"$work/tokenserver" "$secret" >"$work/url" &
server=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
base=$(cat "$work/url")

export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
export CAMUNDA_CREDENTIAL_HELPER_SERVICE=cch-bench-$RANDOM
unset CAMUNDA_CONSOLE_CLIENT_ID CAMUNDA_CONSOLE_CLIENT_SECRET CAMUNDA_CREDENTIAL_HELPER_AGENT \
  CAMUNDA_CREDENTIAL_HELPER_AGENT_IDLE CAMUNDA_CREDENTIAL_HELPER_CONFIG CAMUNDA_PROFILE \
  CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET
mkdir -p "$HOME"
printf '%s\n' "$secret" | "$cch" --profile bench login --forward --host git.example \
  --client-id bench --oauth-url "$base/oauth/token" --client-secret-stdin 2>/dev/null
printf 'protocol=https\nhost=git.example\n\n' >"$work/get.txt"
"$fast" git get <"$work/get.txt" | grep -q '^password=' || { echo "forward.sh: git get failed" >&2; exit 1; }
fwd=$(sed -n 's/^forward socket: \([^ ]*\) .*/\1/p' < <("$cch" agent status))
[ -S "$fwd" ] || { echo "forward.sh: no forward socket (agent status: $("$cch" agent status))" >&2; exit 1; }

# The throwaway sshd, and ssh -R forwarding the agent's forward socket.
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$work/key"
cp "$work/key.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/hostkey
AuthorizedKeysFile $work/authorized_keys
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
EOF
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd=$!
remote=$work/remote.sock
for _ in $(seq 100); do
  ssh -F /dev/null -i "$work/key" -p "$port" -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ExitOnForwardFailure=yes \
    -N -R "$remote:$fwd" root@127.0.0.1 2>>"$work/ssh.log" &
  tunnel=$!
  for _ in $(seq 50); do [ -S "$remote" ] && break; sleep 0.05; done
  [ -S "$remote" ] && break
  kill "$tunnel" 2>/dev/null || true; tunnel=; sleep 0.1
done
[ -S "$remote" ] || { echo "forward.sh: ssh -R did not come up" >&2; cat "$work/ssh.log" "$work/sshd.log" >&2; exit 1; }
S=CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET
for sock in "$fwd" "$remote"; do
  env "$S=$sock" "$fast" git get <"$work/get.txt" | grep -q '^password=' ||
    { echo "forward.sh: git get through $sock failed" >&2; exit 1; }
done

echo "== hyperfine, $RUNS runs per command: a cached git get (through a shell, which hyperfine subtracts)"
hyperfine --warmup 20 --runs "$RUNS" --style basic --export-json "$work/git.json" \
  -n local "$fast git get <$work/get.txt" \
  -n forward "$S=$fwd $fast git get <$work/get.txt" \
  -n ssh "$S=$remote $fast git get <$work/get.txt" \
  -n full-local "$cch git get <$work/get.txt" \
  -n full-ssh "$S=$remote $cch git get <$work/get.txt"
echo "== hyperfine -N (no shell), $RUNS runs per command: a cached terraform get, which reads no stdin"
hyperfine -N --warmup 20 --runs "$RUNS" --style basic --export-json "$work/tf.json" \
  -n local "/usr/bin/env CCH_BENCH=1 $fast terraform get git.example" \
  -n forward "/usr/bin/env $S=$fwd $fast terraform get git.example" \
  -n ssh "/usr/bin/env $S=$remote $fast terraform get git.example" \
  -n full-local "/usr/bin/env CCH_BENCH=1 $cch terraform get git.example" \
  -n full-ssh "/usr/bin/env $S=$remote $cch terraform get git.example"
python3 - "$work/git.json" "$work/tf.json" <<'EOF'
import json, sys
for what, f in zip(("git get", "terraform get"), sys.argv[1:]):
    r = {x["command"]: x for x in json.load(open(f))["results"]}
    ms = lambda n: r[n]["median"] * 1000
    print(f"\n{what} medians: " + ", ".join(f"{n} {ms(n):.2f} ms" for n in r))
    print(f"{what} through ssh -R: +{ms('ssh') - ms('local'):.2f} ms (fast client), +{ms('full-ssh') - ms('full-local'):.2f} ms (full binary)")
EOF
"$cch" agent status | sed -n '/^forward socket/p'
