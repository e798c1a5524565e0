#!/usr/bin/env bash
# Download benchmark: our downloader against the Hugging Face CLI (`hf download`), both fetching the same generated
# model from the same fake Hub (with per-request latency) on this machine. Prints both throughputs and the ratio.
#
# Knobs (environment): SHARDS (4), SHARD_MIB (512), LATENCY_MS (20), CONCURRENCY (8), CHUNK_SIZE (32M), ROUNDS (3),
# LINK_MBPS (0: no limit; else one link of that many MB/s shared by all of the fake Hub's responses, and the summary
# says how much of it each tool used).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/bench/download"
OUT="$BENCH/out"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
SHARDS="${SHARDS:-4}"
SHARD_MIB="${SHARD_MIB:-512}"
LATENCY_MS="${LATENCY_MS:-20}"
CONCURRENCY="${CONCURRENCY:-8}"
CHUNK_SIZE="${CHUNK_SIZE:-32M}"
LINK_MBPS="${LINK_MBPS:-0}"
REPO="bench/generated-model"

cd "$ROOT"
mkdir -p "$OUT"

echo "== building (main and test classes)"
./mvnw -q -B -DskipTests test-compile
CLASSPATH_FILE="$OUT/classpath.txt"
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat "$CLASSPATH_FILE")"

# Ours runs as the image runs it: the files downloader-image/assemble.sh lays out (not the test classpath with its
# 200 jars) and the JVM flags of the Dockerfile's ENTRYPOINT.
IMAGE="$OUT/image"
downloader-image/assemble.sh "$IMAGE"
IMAGE_CP="$IMAGE/classes:$IMAGE/lib/*"
mapfile -t JVM_FLAGS < <(python3 - "$ROOT/downloader-image/Dockerfile" <<'PY'
import json, sys
entrypoint = [l for l in open(sys.argv[1]) if l.startswith("ENTRYPOINT ")][-1]
args = json.loads(entrypoint[len("ENTRYPOINT "):])
print("\n".join(args[1:args.index("-cp")]))
PY
)
echo "nebari downloader JVM flags (from the image's ENTRYPOINT): ${JVM_FLAGS[*]}"

echo "== installing huggingface_hub into $BENCH/.venv"
if [[ ! -x "$BENCH/.venv/bin/hf" ]]; then
  python3 -m venv "$BENCH/.venv"
  "$BENCH/.venv/bin/pip" install -q huggingface_hub
fi
echo "huggingface_hub $("$BENCH/.venv/bin/python" -c 'import huggingface_hub; print(huggingface_hub.__version__)')"

echo "== starting the fake Hub ($SHARDS x $SHARD_MIB MiB shards, ${LATENCY_MS} ms per request, link: $(
  (( LINK_MBPS > 0 )) && echo "$LINK_MBPS MB/s" || echo "no limit"))"
"$JAVA_HOME/bin/java" -cp "$CP" dev.nebari.llm.download.fakehub.FakeHubMain \
  --shards "$SHARDS" --shard-mib "$SHARD_MIB" --latency-ms "$LATENCY_MS" --link-mbps "$LINK_MBPS" --repo "$REPO" \
  > "$OUT/hub.log" 2>&1 &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q '^READY ' "$OUT/hub.log" 2>/dev/null && break
  kill -0 $HUB_PID 2>/dev/null || { cat "$OUT/hub.log"; exit 1; }
  sleep 0.2
done
read -r _ ENDPOINT TOTAL_BYTES < <(grep '^READY ' "$OUT/hub.log")
echo "fake Hub at $ENDPOINT serving $TOTAL_BYTES bytes"

# Prints "<wall seconds> <CPU seconds (user + system)>" of the command; the command's own output goes to $1.
timed() {
  local log=$1; shift
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" > "$log" 2>&1 ; } 2>&1 ) || return 1
  awk '{ printf "%.3f %.2f\n", $1, $2 + $3 }' <<< "$t"
}

run_hf() {
  rm -rf "$OUT/hf" "$OUT/hf-home"
  sync
  timed "$OUT/hf.log" env -u HF_HUB_ENABLE_HF_TRANSFER -u HF_TOKEN HF_ENDPOINT="$ENDPOINT" \
    HF_HUB_DISABLE_TELEMETRY=1 HF_HOME="$OUT/hf-home" \
    "$BENCH/.venv/bin/hf" download "$REPO" --revision main --local-dir "$OUT/hf"
}

run_ours() {
  rm -rf "$OUT/ours"
  sync
  timed "$OUT/ours.jsonl" env -u HF_TOKEN HF_ENDPOINT="$ENDPOINT" "$JAVA_HOME/bin/java" "${JVM_FLAGS[@]}" \
    -cp "$IMAGE_CP" dev.nebari.llm.download.DownloaderMain --repo "$REPO" --target "$OUT/ours" \
    --concurrency "$CONCURRENCY" --chunk-size "$CHUNK_SIZE"
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# Alternating order (hf, ours, ours, hf, ...) so that neither tool always meets a cold fake Hub or a busy disk.
# The machine may be shared: the load average (1, 5, 15 min) is printed with every round, and each round's ratio is
# printed too, since two runs next to each other see similar load.
ROUNDS="${ROUNDS:-3}"
RESULTS="$OUT/results.txt"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="hf ours"; else order="ours hf"; fi
  for tool in $order; do
    read -r wall cpu < <("run_$tool") || true
    [[ -n "${wall:-}" ]] || { echo "$tool failed in round $round; its output: $OUT/$tool.*"; exit 1; }
    echo "$round $tool $wall $cpu $(load)" >> "$RESULTS"
    printf 'round %s: %-17s %7.2f s wall, %6.2f s CPU   load %s\n' "$round" \
      "$([[ $tool == hf ]] && echo 'hf download' || echo 'nebari downloader')" "$wall" "$cpu" "$(load)"
  done
done

echo "== checking both downloads are identical"
for f in $(cd "$OUT/ours" && find . -type f -not -path './.nebari-download/*' | sort); do
  cmp -s "$OUT/ours/$f" "$OUT/hf/$f" || { echo "MISMATCH: $f"; exit 1; }
done

python3 - "$TOTAL_BYTES" "$RESULTS" "$LINK_MBPS" <<'PY'
import os, statistics, sys
total = int(sys.argv[1])
link = float(sys.argv[3])
rounds = {}
loads = []
for line in open(sys.argv[2]):
    n, tool, wall, cpu, *load = line.split()
    rounds.setdefault(n, {})[tool] = (float(wall), float(cpu))
    loads.append(float(load[0]))
hf = min(r["hf"] for r in rounds.values())
ours = min(r["ours"] for r in rounds.values())
paired = [r["hf"][0] / r["ours"][0] for r in rounds.values()]
rate = lambda seconds: total / seconds / 1e6
print(f"model size:        {total / 2**30:.2f} GiB; best of each tool over {len(rounds)} rounds")
print(f"hf download:       {hf[0]:7.2f} s  {rate(hf[0]):8.1f} MB/s   CPU {hf[1]:.2f} s")
print(f"nebari downloader: {ours[0]:7.2f} s  {rate(ours[0]):8.1f} MB/s   CPU {ours[1]:.2f} s"
      "   (includes SHA-256 verification of every LFS file)")
# With a link limit both tools can at best fill the link: the 1.6x target is for the unlimited case.
print(f"ratio:             {rate(ours[0]) / rate(hf[0]):.2f}x best-of ({'link-limited' if link > 0 else 'target >= 1.6x'}); per round "
      + ", ".join(f"{p:.2f}x" for p in paired) + f" (median {statistics.median(paired):.2f}x)")
if link > 0:
    share = lambda r: 100 * rate(r[0]) / link
    print(f"link:              {link:.0f} MB/s shared by all connections; used: nebari downloader "
          + f"{share(ours):.0f}% best, " + ", ".join(f"{share(r['ours']):.0f}%" for r in rounds.values())
          + f" per round (target >= 90%); hf download {share(hf):.0f}% best")
print(f"load average (1 min) after each run: min {min(loads):.2f}, max {max(loads):.2f} on {os.cpu_count()} CPUs")
PY
rm -rf "$OUT/hf" "$OUT/ours" "$OUT/hf-home"
