#!/usr/bin/env bash
# Fault benchmark (issue: ten times the scale, item 5): the API server and etcd killed while N models (default
# 1,000) are applied, then the leading operator killed while they change; prints recovery times, writes against the
# objects to write, and whether any key was lost. See README.md.
#   bench/faults/run.sh [models=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar=$(ls target/nebari-llm-serving-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -1 || true)
if [ -z "${BENCH_JAR:-}" ] && { [ -z "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; }; then
  ./mvnw -q -B -DskipTests package
fi
export BENCH_JVM="${BENCH_JVM:--Xmx512m}"
exec bench/run-java.sh bench/faults/logback.xml dev.nebari.llm.FaultBenchmark "$@"
