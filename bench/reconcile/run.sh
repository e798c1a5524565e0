#!/usr/bin/env bash
# Reconcile benchmark (PRODUCT.md section 9): N LLMModels applied at once against a real kube-apiserver + etcd
# reach fully-applied state (target: 300 in <= 60 s on 2 cores); a resync of unchanged models performs 0 writes;
# prints the operator JVM's RSS. The peer in the same run is a plain client server-side-applying the same objects.
#   bench/reconcile/run.sh [models=300] [workers=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx512m ${BENCH_JAVA_OPTS:-} \
  -Dlogback.configurationFile=bench/reconcile/logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.nebari.llm.reconciliation.ReconcileBenchmark "$@"
