#!/usr/bin/env bash
# Scale benchmark (issue: ten times the scale): the packaged application as the chart installs it by default (operator
# and portal as processes of their own, the image's JVM options, each under its Deployment's memory limit) against a
# real kube-apiserver + etcd with the admission webhook registered, at 300, 1,000 and 3,000 models with 10 keys each
# minted through the REST API; peer: plain server-side apply of the same objects in the same run. See README.md.
#   bench/scale/run.sh [sizes...]          e.g. bench/scale/run.sh 300 1000
# BENCH_KEYS_PER_MODEL (default 10), BENCH_JAR (another build of the application).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
source bench/packaged-jar.sh
exec bench/run-java.sh bench/scale/logback.xml dev.nebari.llm.ScaleBenchmark "$@"
