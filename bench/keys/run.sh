#!/usr/bin/env bash
# Key-mint benchmark (docs/quality-bars.md): 200 concurrent mints on one model against a real kube-apiserver + etcd,
# p50/p99 latency, throughput and lost keys per round. Needs the Kubernetes test binaries (docs/testing.md).
#   bench/keys/run.sh [concurrency=200] [rounds=5]
# The JVM runs as the portal's container would: the image's options (config/jvm.options) with the chart's portal
# memory limit (512Mi); override with BENCH_JVM.
set -euo pipefail
export BENCH_JVM="${BENCH_JVM:--XX:MaxRAM=512m @config/jvm.options}"
exec "$(dirname "$0")/../run-java.sh" bench/keys/logback.xml dev.nebari.llm.keys.MintBenchmark "$@"
