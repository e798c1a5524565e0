#!/usr/bin/env bash
# Builds the two images without a Docker daemon or a registry, into OCI archives:
#   target/images/nebari-llm-serving.tar     the application (operator and portal profiles), with its JVM AOT cache
#   target/images/nebari-llm-downloader.tar  the model downloader (init container of model pods)
# Needs root (buildah with the chroot isolation and vfs storage), Debian's buildah (installed when missing) and the
# packaged application (./mvnw package; `./mvnw verify` runs this script after packaging).
#
# No base image is pulled. Each image is built FROM scratch from:
#   - glibc (libc6, libgcc-s1) unpacked from the Debian packages this machine's apt serves: the JVM needs nothing else
#     of an operating system (no shell, no package manager: nothing to exploit, little to patch);
#   - a Java runtime made by jlink from this JDK, with the modules jdeps finds in the image's jars;
#   - the program: the extracted Spring Boot jar (app), or the downloader's classes and its one jar (downloader).
# The app's AOT cache is trained inside the image (buildah run), with the very runtime and jars that will use it.
# compose-dev/Dockerfile and downloader-image/Dockerfile build the same layout for people with Docker.
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT=target/images
WORK=target/image-build
STORAGE=(--storage-driver vfs --root "${BUILDAH_ROOT:-/var/lib/nebari-llm-images}" --runroot "${BUILDAH_RUNROOT:-/run/nebari-llm-images}")
SOURCE_URL="https://github.com/nebari-dev/nebari-llm-serving"

log() { echo "images: $*"; }
fail() { echo "images: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  # A workstation's `./mvnw verify` goes on without images (ImagesIT then skips); CI must build them.
  [[ "${CI:-}" == true ]] && fail "building images needs root (buildah's chroot isolation)"
  log "skipped: building images needs root (buildah's chroot isolation); ImagesIT will skip"
  exit 0
fi
if ! command -v buildah >/dev/null 2>&1; then
  log "installing buildah (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah >/dev/null; }
fi
jar=$(ls target/nebari-llm-serving-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -1 || true)
[[ -n "$jar" ]] || fail "no target/nebari-llm-serving-*.jar: run ./mvnw package first"

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
started=$(date +%s)
rm -rf "$WORK" && mkdir -p "$WORK" "$OUT"

# --- the operating system part: glibc only, plus the user the pods run as -------------------------------------------
log "base: glibc from Debian packages"
mkdir -p "$WORK/debs" "$WORK/base"
(cd "$WORK/debs" && apt-get download -q libc6 libgcc-s1 >/dev/null 2>&1) \
  || { apt-get update -q >/dev/null && (cd "$WORK/debs" && apt-get download -q libc6 libgcc-s1 >/dev/null); }
for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$WORK/base"; done
# Documentation, locales' data and gconv modules the JVM never loads (it does its own charset conversion).
rm -rf "$WORK"/base/usr/share/{doc,lintian,locale,man} "$WORK"/base/usr/lib/x86_64-linux-gnu/gconv
mkdir -p "$WORK/base/etc" "$WORK/base/tmp" "$WORK/base/home/nonroot"
chmod 1777 "$WORK/base/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$WORK/base/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$WORK/base/etc/group"
chown 65532:65532 "$WORK/base/home/nonroot"

# A runtime with the modules the jars use (and jdk.crypto.ec where a JDK still has it as a module).
runtime() { # runtime <dir> <class path, or ""> <jars or class directories...>
  local dir=$1 cp=$2; shift 2
  local modules
  modules=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
    ${cp:+--class-path "$cp"} "$@" 2>/dev/null | tail -1)
  [[ "$modules" == java.base* ]] || fail "jdeps found no modules for $(basename "$dir")"
  log "jlink $(basename "$dir"): $modules"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$dir"
}

# --- the application ------------------------------------------------------------------------------------------------
log "app: extracting $jar"
"$JAVA_HOME/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$WORK/app" >/dev/null
mv "$WORK"/app/nebari-llm-serving-*.jar "$WORK/app/app.jar"
cp config/jvm.options config/aot-training.options "$WORK/app/"
runtime "$WORK/app-runtime" "$WORK/app/lib/*" "$WORK/app/app.jar"

# A Dockerfile's JSON ENTRYPOINT, with this image's java: the Dockerfiles stay the one place for the JVM flags.
entrypoint() {
  sed -n 's/^ENTRYPOINT //p' "$1" | sed -E 's@^\["(/usr/bin/)?java",@["/opt/java/bin/java",@'
}

image() { # image <name>; prints the working container, with the base filesystem in it
  local ctr
  ctr=$(buildah "${STORAGE[@]}" from --name "$1-build-$$" scratch)
  buildah "${STORAGE[@]}" copy "$ctr" "$WORK/base" / >/dev/null
  echo "$ctr"
}
labels() { # labels <ctr> <title> <description>
  buildah "${STORAGE[@]}" config \
    --label "org.opencontainers.image.title=$2" \
    --label "org.opencontainers.image.description=$3" \
    --label "org.opencontainers.image.source=$SOURCE_URL" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.created=$created" \
    --user 65532:65532 "$1"
}
finish() { # finish <ctr> <name>
  local archive="$OUT/$2.tar"
  rm -f "$archive"
  buildah "${STORAGE[@]}" commit --quiet --rm --format oci "$1" "localhost/$2:$version" >/dev/null
  buildah "${STORAGE[@]}" push --quiet "localhost/$2:$version" "oci-archive:$archive:$2:$version"
  buildah "${STORAGE[@]}" rmi --force "localhost/$2:$version" >/dev/null
  log "$archive: $(du -m "$archive" | cut -f1) MB compressed"
}

log "app: image"
app=$(image nebari-llm-serving)
buildah "${STORAGE[@]}" copy "$app" "$WORK/app-runtime" /opt/java >/dev/null
buildah "${STORAGE[@]}" copy --chown 0:0 "$app" "$WORK/app" /app >/dev/null
# The AOT cache, trained in the image as root (it writes /app/app.aot), then read-only at run time.
log "app: training the JVM AOT cache"
buildah "${STORAGE[@]}" run --isolation chroot "$app" -- /opt/java/bin/java @/app/jvm.options \
  -XX:AOTCacheOutput=/app/app.aot @/app/aot-training.options -jar /app/app.jar > "$WORK/aot-training.log" 2>&1 \
  || { tail -40 "$WORK/aot-training.log" >&2; fail "the AOT training run failed (log: $WORK/aot-training.log)"; }
labels "$app" "Nebari LLM Serving" "Operator, key portal and REST API of Nebari LLM Serving"
buildah "${STORAGE[@]}" config --env JAVA_HOME=/opt/java --workingdir /app --port 8080 --port 8081 --port 9443 \
  --entrypoint "$(entrypoint compose-dev/Dockerfile)" "$app"
finish "$app" nebari-llm-serving

# --- the downloader -------------------------------------------------------------------------------------------------
log "downloader: layout"
downloader-image/assemble.sh "$WORK/downloader" >/dev/null
runtime "$WORK/downloader-runtime" "" "$WORK/downloader/classes" "$WORK"/downloader/lib/*.jar
dl=$(image nebari-llm-downloader)
buildah "${STORAGE[@]}" copy "$dl" "$WORK/downloader-runtime" /opt/java >/dev/null
buildah "${STORAGE[@]}" copy --chown 0:0 "$dl" "$WORK/downloader" /app >/dev/null
mkdir -p "$WORK/models" && chown 65532:65532 "$WORK/models"
buildah "${STORAGE[@]}" copy --chown 65532:65532 "$dl" "$WORK/models" /models >/dev/null
labels "$dl" "Nebari LLM Serving model downloader" "Downloads model weights from the Hugging Face Hub into a volume"
# The ENTRYPOINT's JVM flags are those of downloader-image/Dockerfile (see there why; bench/download measures them).
buildah "${STORAGE[@]}" config --env JAVA_HOME=/opt/java --workingdir /models \
  --entrypoint "$(entrypoint downloader-image/Dockerfile)" "$dl"
finish "$dl" nebari-llm-downloader

log "done in $(( $(date +%s) - started )) s"
