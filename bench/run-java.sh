#!/usr/bin/env bash
# Runs a benchmark main class from the test classpath: bench/run-java.sh <logback.xml> <main class> [args...]
# (Benchmarks drive product code with test fixtures, e.g. the embedded control plane and the model fixtures.)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
logback=$1 main=$2
shift 2
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
# The benchmark runs from a copy of the compiled classes: a build during a long run rewrites target/ under it.
stage=$(mktemp -d /tmp/nebari-bench-classes.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp -r target/classes "$stage/classes"
cp -r target/test-classes "$stage/test-classes"
# BENCH_JVM: the JVM's sizing and flags (default -Xmx512m); BENCH_JAVA_OPTS: anything added for one run.
"$JAVA_HOME/bin/java" ${BENCH_JVM:--Xmx512m} ${BENCH_JAVA_OPTS:-} \
  -Dlogback.configurationFile="$logback" \
  -cp "$stage/test-classes:$stage/classes:$(cat target/bench-classpath.txt)" \
  "$main" "$@"
