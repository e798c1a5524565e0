#!/usr/bin/env bash
# Reconcile benchmark (docs/quality-bars.md): N LLMModels applied at once against a real kube-apiserver + etcd
# reach fully-applied state (docs/quality-bars.md: within 1.2x a plain server-side apply; earlier 300 in <= 60 s); a resync of unchanged models performs 0 writes;
# prints the operator JVM's RSS. The peer in the same run is a plain client server-side-applying the same objects.
#   bench/reconcile/run.sh [models=300] [workers=8]
# The JVM runs as the operator's does: the image's options (config/jvm.options) in a container with the chart's
# operator memory limit (768Mi); override with BENCH_JVM.
set -euo pipefail
export BENCH_JVM="${BENCH_JVM:--XX:MaxRAM=768m @config/jvm.options}"
exec "$(dirname "$0")/../run-java.sh" bench/reconcile/logback.xml dev.nebari.llm.reconciliation.ReconcileBenchmark "$@"
