#!/usr/bin/env bash
# Fault benchmark (issue: ten times the scale, item 5): the API server and etcd killed while N models (default
# 1,000) are applied, then the leading operator killed while they change; prints recovery times, writes against the
# objects to write, and whether any key was lost. See README.md.
#   bench/faults/run.sh [models=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
source bench/packaged-jar.sh
exec bench/run-java.sh bench/faults/logback.xml dev.nebari.llm.FaultBenchmark "$@"
