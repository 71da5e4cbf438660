#!/usr/bin/env bash
# A/B of internal/agentwire's wire (docs/agentwire-measurements.md): the
# fast client built four ways, each otherwise from the same tree HAND (a
# commit with the hand-written codec and raw-syscall dial), with parts of
# STD (a commit with length-prefixed encoding/json and net.DialUnix):
#   H  hand codec, raw syscalls (HAND as is)
#   J  encoding/json codec (STD's codec.go), raw syscalls
#   N  hand codec, package net (STD's wire.go, dial.go, peer_other.go)
#   S  encoding/json and package net (STD's internal/agentwire)
# Prints binary sizes, the Go codec benchmarks of HAND (hand vs JSON side by
# side), and the process times, interleaved in one run, of: a cached token
# call of each fast client against a stub agent (testdata/bench/stubagent,
# built alike), "token --format raw" (raw-) and "token" (json-, which
# formats the answer with encoding/json), each variant's packages linked and
# exited (testdata/bench/fastinit), and an empty Go program.
#   testdata/bench/agentwire-ab.sh [HAND [STD]]   (from the repository root)
#   RUNS=1000 ...                                 runs per command
set -euo pipefail
cd "$(dirname "$0")/../.."
hand=${1:-e430c3bb794dce817ceba4745a62625bf80e67c8}
std=${2:-3125932}
runs=${RUNS:-1000}
work=$(mktemp -d /tmp/awab.XXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/H" "$work/std"
git archive "$hand" | tar -x -C "$work/H"
git archive "$std" internal/agentwire | tar -x -C "$work/std"
mkdir -p "$work/H/testdata/bench"
cp -r testdata/bench/stubagent testdata/bench/fastinit "$work/H/testdata/bench/"
aw=internal/agentwire
for v in J N S; do cp -r "$work/H" "$work/$v"; done
cp "$work/std/$aw/codec.go" "$work/J/$aw/"
cp "$work/std/$aw/"{wire,dial,peer_other}.go "$work/N/$aw/"
rm -f "$work/N/$aw/dial_unix.go"
rm -f "$work/S/$aw/"*.go
for f in "$work/std/$aw"/*.go; do case $f in *_test.go) ;; *) cp "$f" "$work/S/$aw/" ;; esac; done

echo "== sizes (bytes, CGO_ENABLED=0 go build -trimpath)"
for v in H J N S; do
  (cd "$work/$v" &&
    for p in cmd/camunda-credential-helper-fast testdata/bench/stubagent testdata/bench/fastinit; do
      CGO_ENABLED=0 go build -trimpath -o "$work/bin/$v-$(basename "$p")" "./$p"
    done)
  echo "$v fast $(stat -c %s "$work/bin/$v-camunda-credential-helper-fast") fastinit $(stat -c %s "$work/bin/$v-fastinit")"
done
(cd "$work/H" && CGO_ENABLED=0 go build -trimpath -o "$work/bin/empty" ./testdata/bench/empty)

echo "== codec benchmarks at $hand"
(cd "$work/H" && go test -run '^$' -bench Codec -benchmem -count 5 "./$aw")

specs=()
for v in H J N S; do
  d=$(mktemp -d /tmp/aw$v.XXXX)
  XDG_RUNTIME_DIR=$d "$work/bin/$v-stubagent" >"$work/$v.ready" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/$v.ready" ] && break; sleep 0.05; done
  out=$(env -u CAMUNDA_CONSOLE_CLIENT_ID -u CAMUNDA_CONSOLE_CLIENT_SECRET XDG_RUNTIME_DIR="$d" \
    "$work/bin/$v-camunda-credential-helper-fast" token --format raw)
  case $out in eyJ*) ;; *) echo "$v: the fast client did not get the stub's token: $out" >&2; exit 1 ;; esac
  specs+=("raw-$v|$d|$work/bin/$v-camunda-credential-helper-fast|token|--format|raw")
  specs+=("json-$v|$d|$work/bin/$v-camunda-credential-helper-fast|token")
done
for v in H J N S; do specs+=("init-$v||$work/bin/$v-fastinit"); done
specs+=("empty||$work/bin/empty")

# hyperfine runs one command after the other, so that a busy machine's
# noise lands unevenly: the runs here are interleaved (each round runs every
# command once, in a shuffled order), spawned directly, and timed with their
# own CPU time from wait4(2).
echo "== $runs interleaved runs of each"
python3 - "$runs" "${specs[@]}" <<'PY'
import os, random, statistics as st, sys, time
runs, specs = int(sys.argv[1]), [a.split("|") for a in sys.argv[2:]]
base = {k: v for k, v in os.environ.items() if k not in ("CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET")}
devnull = os.open(os.devnull, os.O_WRONLY)
res = {s[0]: ([], []) for s in specs}
for i in range(runs + 20):
    random.shuffle(specs)
    for name, xdg, exe, *args in specs:
        env = dict(base, XDG_RUNTIME_DIR=xdg) if xdg else base
        argv = [exe] + args
        t = time.perf_counter_ns()
        pid = os.posix_spawn(exe, argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter_ns() - t
        if status != 0:
            sys.exit("%s exited %d" % (name, status))
        if i >= 20:
            res[name][0].append(wall / 1e6)
            res[name][1].append((ru.ru_utime + ru.ru_stime) * 1e3)
q = lambda xs, p: sorted(xs)[int(p * (len(xs) - 1))]
print("| command | wall median ms | wall p10 ms | wall min ms | CPU (user+sys) median ms |")
print("|:--|--:|--:|--:|--:|")
for name in sorted(res):
    w, c = res[name]
    print("| %s | %.3f | %.3f | %.3f | %.3f |" % (name, st.median(w), q(w, .1), min(w), st.median(c)))
PY
