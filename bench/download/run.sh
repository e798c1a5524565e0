#!/usr/bin/env bash
# Download benchmark: our downloader against the Hugging Face CLI (`hf download`), both fetching the same generated
# model from the same fake Hub (with per-request latency) on this machine. Prints both throughputs and the ratio.
#
# Knobs (environment): SHARDS (4), SHARD_MIB (512), LATENCY_MS (20), CONCURRENCY (8), CHUNK_SIZE (32M), ROUNDS (2).
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
REPO="bench/generated-model"

cd "$ROOT"
mkdir -p "$OUT"

echo "== building (main and test classes)"
./mvnw -q -B -DskipTests test-compile
CLASSPATH_FILE="$OUT/classpath.txt"
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"
CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat "$CLASSPATH_FILE")"

echo "== installing huggingface_hub into $BENCH/.venv"
if [[ ! -x "$BENCH/.venv/bin/hf" ]]; then
  python3 -m venv "$BENCH/.venv"
  "$BENCH/.venv/bin/pip" install -q huggingface_hub
fi
echo "huggingface_hub $("$BENCH/.venv/bin/python" -c 'import huggingface_hub; print(huggingface_hub.__version__)')"

echo "== starting the fake Hub ($SHARDS x $SHARD_MIB MiB shards, ${LATENCY_MS} ms per request)"
"$JAVA_HOME/bin/java" -cp "$CP" dev.nebari.llm.download.fakehub.FakeHubMain \
  --shards "$SHARDS" --shard-mib "$SHARD_MIB" --latency-ms "$LATENCY_MS" --repo "$REPO" > "$OUT/hub.log" 2>&1 &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q '^READY ' "$OUT/hub.log" 2>/dev/null && break
  kill -0 $HUB_PID 2>/dev/null || { cat "$OUT/hub.log"; exit 1; }
  sleep 0.2
done
read -r _ ENDPOINT TOTAL_BYTES < <(grep '^READY ' "$OUT/hub.log")
echo "fake Hub at $ENDPOINT serving $TOTAL_BYTES bytes"

seconds_since() { python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.3f}')" "$1"; }

run_hf() {
  rm -rf "$OUT/hf" "$OUT/hf-home"
  sync
  local start; start=$(python3 -c 'import time; print(time.time())')
  env -u HF_HUB_ENABLE_HF_TRANSFER -u HF_TOKEN HF_ENDPOINT="$ENDPOINT" HF_HUB_DISABLE_TELEMETRY=1 \
    HF_HOME="$OUT/hf-home" "$BENCH/.venv/bin/hf" download "$REPO" --revision main --local-dir "$OUT/hf" \
    > "$OUT/hf.log" 2>&1
  seconds_since "$start"
}

run_ours() {
  rm -rf "$OUT/ours"
  sync
  local start; start=$(python3 -c 'import time; print(time.time())')
  env -u HF_TOKEN HF_ENDPOINT="$ENDPOINT" "$JAVA_HOME/bin/java" -cp "$CP" dev.nebari.llm.download.DownloaderMain \
    --repo "$REPO" --target "$OUT/ours" --concurrency "$CONCURRENCY" --chunk-size "$CHUNK_SIZE" > "$OUT/ours.jsonl"
  seconds_since "$start"
}

# Alternating order (hf, ours, ours, hf, ...) so that neither tool always meets a cold fake Hub or a busy disk.
ROUNDS="${ROUNDS:-2}"
HF_TIMES=()
OUR_TIMES=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then
    HF_TIMES+=("$(run_hf)"); echo "round $round: hf download ${HF_TIMES[-1]} s"
    OUR_TIMES+=("$(run_ours)"); echo "round $round: nebari downloader ${OUR_TIMES[-1]} s"
  else
    OUR_TIMES+=("$(run_ours)"); echo "round $round: nebari downloader ${OUR_TIMES[-1]} s"
    HF_TIMES+=("$(run_hf)"); echo "round $round: hf download ${HF_TIMES[-1]} s"
  fi
done
HF_SECONDS=$(printf '%s\n' "${HF_TIMES[@]}" | sort -g | head -1)
OURS_SECONDS=$(printf '%s\n' "${OUR_TIMES[@]}" | sort -g | head -1)

echo "== checking both downloads are identical"
for f in $(cd "$OUT/ours" && find . -type f -not -path './.nebari-download/*' | sort); do
  cmp -s "$OUT/ours/$f" "$OUT/hf/$f" || { echo "MISMATCH: $f"; exit 1; }
done

python3 - "$TOTAL_BYTES" "$HF_SECONDS" "$OURS_SECONDS" <<'PY'
import sys
total, hf, ours = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
hf_rate, our_rate = total / hf / 1e6, total / ours / 1e6
print(f"model size:        {total / 2**30:.2f} GiB; best of each tool over the rounds")
print(f"hf download:       {hf:7.2f} s  {hf_rate:8.1f} MB/s")
print(f"nebari downloader: {ours:7.2f} s  {our_rate:8.1f} MB/s   (includes SHA-256 verification of every LFS file)")
print(f"ratio:             {our_rate / hf_rate:.2f}x (target >= 1.5x)")
PY
rm -rf "$OUT/hf" "$OUT/ours" "$OUT/hf-home"
