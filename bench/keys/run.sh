#!/usr/bin/env bash
# Key-mint benchmark (PRODUCT.md section 9): 200 concurrent mints on one model against a real kube-apiserver + etcd,
# p50/p99 latency, throughput and lost keys per round. Needs the Kubernetes test binaries (docs/testing.md).
#   bench/keys/run.sh [concurrency=200] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx512m ${BENCH_JAVA_OPTS:-} \
  -Dlogback.configurationFile=bench/keys/logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.nebari.llm.keys.MintBenchmark "$@"
