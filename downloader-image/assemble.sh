#!/usr/bin/env bash
# Lays out what the downloader image ships, from the compiled classes (run `./mvnw compile` first; MVN names
# another Maven command than ./mvnw):
#   DEST/classes  the dev.nebari.llm.download package only
#   DEST/lib      the jars it needs at run time (jackson-core; nothing of Spring)
# The Dockerfile's build stage and bench/download/run.sh both use it, so the benchmark runs what the image runs.
set -euo pipefail
DEST="${1:?usage: downloader-image/assemble.sh DEST}"
cd "$(dirname "$0")/.."
rm -rf "$DEST/classes" "$DEST/lib"
"${MVN:-./mvnw}" -q -B dependency:copy-dependencies -DincludeScope=compile -DincludeGroupIds=tools.jackson.core \
  -DincludeArtifactIds=jackson-core -DoutputDirectory="$DEST/lib"
mkdir -p "$DEST/classes/dev/nebari/llm"
cp -r target/classes/dev/nebari/llm/download "$DEST/classes/dev/nebari/llm/"
