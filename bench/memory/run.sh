#!/usr/bin/env bash
# Memory benchmark (docs/quality-bars.md: operator+portal RSS <= 256 MiB after reconciling 300 models with 3,000
# keys). Starts a real kube-apiserver + etcd, then the packaged application (target/nebari-llm-serving-*.jar) as a
# process of its own with both profiles and the image's JVM options under the chart's memory limit, creates the
# models, mints the keys through the REST API and reads the application's RSS. Peer: the same process idle after start.
#   bench/memory/run.sh [models=300] [keys=3000]
# BENCH_APP_JVM replaces the application's JVM options, BENCH_APP_ARGS adds application arguments;
# BENCH_JAVA_OPTS=-Dbench.memoryDetails=true adds native memory tracking, threads and a heap histogram.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
source bench/packaged-jar.sh
# combined: true runs both profiles in the operator's Deployment, whose limit is 768Mi (charts/nebari-llm-serving/values.yaml).
export BENCH_APP_JVM="${BENCH_APP_JVM:-@config/jvm.options -XX:MaxRAM=768m}"
exec bench/run-java.sh bench/memory/logback.xml dev.nebari.llm.MemoryBenchmark "$@"
