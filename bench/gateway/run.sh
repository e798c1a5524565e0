#!/usr/bin/env bash
# Gateway benchmark (bars in docs/quality-bars.md): through the real local Envoy AI Gateway fed by the
# application, the latency the gateway adds over calling the model server directly, revocation to 401 over 50 keys,
# and a pack of 300 models with 3,000 keys (first key to first 200, sizes, writes per mint). Needs the Kubernetes
# and gateway binaries and Redis (docs/testing.md).
#   bench/gateway/run.sh [models=300] [keys=3000] [latencyRequests=2000] [revocations=50]
set -euo pipefail
export BENCH_JVM="${BENCH_JVM:--Xmx1g}"
# Requests carry the Host a client would resolve to the gateway; the JDK's client sends one only with this property.
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Djdk.httpclient.allowRestrictedHeaders=host"
exec "$(dirname "$0")/../run-java.sh" bench/gateway/logback.xml dev.nebari.llm.datapath.GatewayBenchmark "$@"
