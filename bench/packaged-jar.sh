#!/usr/bin/env bash
# Sourced by the benchmarks that run the packaged application (memory, scale, faults): builds
# target/nebari-llm-serving-*.jar without the tests when it is missing or older than the sources, unless BENCH_JAR
# names another build. The benchmark itself runs a copy, so a later build does not disturb a long run.
jar=$(ls target/nebari-llm-serving-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -1 || true)
if [ -z "${BENCH_JAR:-}" ] && { [ -z "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; }; then
  ./mvnw -q -B -DskipTests package
fi
# The benchmark's own JVM (control plane client, token signing, minting threads) is not measured.
export BENCH_JVM="${BENCH_JVM:--Xmx512m}"
