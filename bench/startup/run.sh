#!/usr/bin/env bash
# Startup benchmark (docs/quality-bars.md: ready <= 3 s): launches the application jar as the image does,
# against a real kube-apiserver + etcd holding an installed release, and times process start -> first 200 UP of the
# readiness probe; interleaved with a hello-world Spring Boot app (web + Actuator) under the same JVM options.
#   bench/startup/run.sh [runs=5]
# Then, unless STARTUP_FIRST_MINUTE=0: mints in bursts during the first minute after ready against the third minute
# (runs=0: only that).
# STARTUP_VARIANTS: comma-separated launch modes of the application (default: jar,aot; see README.md).
# STARTUP_JVM: the JVM options of every launch (default: the image's, with the chart's 768Mi limit).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! ls target/nebari-llm-serving-*.jar >/dev/null 2>&1; then
  ./mvnw -q -B -DskipTests package
fi
exec bench/run-java.sh bench/startup/logback.xml dev.nebari.llm.startup.StartupBenchmark "$@"
