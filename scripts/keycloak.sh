#!/usr/bin/env bash
# Installs Keycloak for the browser tests into a cache outside the repository and prepares it so that a test's
# Keycloak starts as fast as this machine allows. Idempotent: a prepared install is left as it is.
#
# Keycloak is the Maven artifact org.keycloak:keycloak-quarkus-dist:<version>:zip, fetched with ./mvnw like any
# other dependency (the default repository of Maven, or the mirror in ~/.m2/settings.xml), so no host is named here.
#
# Preparing means one start and stop of Keycloak in dev mode inside the install, which
#   - runs the Quarkus build ("augmentation") for start-dev once, here, under a lock; otherwise the first test JVM
#     would do it (about 40 s) and two JVMs starting at once would both write lib/quarkus/;
#   - keeps the empty dev database that start leaves (schema and master realm) as seed/h2/. KeycloakServer
#     copies it into each run's temporary home, which saves the schema creation and master realm set-up (about
#     12 CPU-seconds of the ~30 a start takes otherwise). It holds no test realm: each run imports that afresh.
#
# Measured on the 2-core development machine while other builds used it (load 6-10), Keycloak 26.5.6:
#   cold 263 s in all (107 CPU-seconds): download 14 s (165 MB zip), augmentation 37 s, first start ~85 s;
#   prepared: 0.3 s. A test's start from the prepared install then takes about 18 CPU-seconds (29-67 s wall).
#
# Usage: scripts/keycloak.sh [--print-dir]
#   KEYCLOAK_VERSION overrides the version (default below; keep KeycloakServer.VERSION in step).
#   NEBARI_KEYCLOAK_CACHE overrides the cache root (default ~/.cache/nebari-llm-serving/keycloak).
#   Prints the install directory, $NEBARI_KEYCLOAK_CACHE/<version>, as its last line; --print-dir prints only
#   that path and installs nothing.
# Keycloak needs Java 21 or newer: JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64.
set -euo pipefail

VERSION="${KEYCLOAK_VERSION:-26.5.6}"
CACHE_ROOT="${NEBARI_KEYCLOAK_CACHE:-$HOME/.cache/nebari-llm-serving/keycloak}"
OUT="$CACHE_ROOT/$VERSION"
REPO="$(cd "$(dirname "$0")/.." && pwd)"

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$OUT"
  exit 0
fi

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java_major=$("${JAVA_HOME:-/usr}/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p')
if [[ -z "$java_major" || "$java_major" -lt 21 ]]; then
  echo "keycloak: Keycloak $VERSION needs Java 21+; set JAVA_HOME (found: ${java_major:-none})" >&2
  exit 1
fi

installed() { [[ -x "$OUT/bin/kc.sh" && -f "$OUT/lib/quarkus-run.jar" ]]; }
prepared() { [[ -f "$OUT/seed/h2/keycloakdb.mv.db" ]]; }

if installed && prepared; then
  echo "$OUT"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
# One installer at a time (two test JVMs, or a test JVM and .ci/run); the second finds the work done.
exec 9>"$CACHE_ROOT/.lock"
flock 9
started=$(date +%s)
work=$(mktemp -d)
keycloak_pid=""
cleanup() {
  if [[ -n "$keycloak_pid" ]]; then kill "$keycloak_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! installed; then
  echo "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$VERSION:zip" >&2
  (cd "$REPO" && ./mvnw -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" \
    -DoutputDirectory="$work" -Dmdep.stripVersion=false) >&2
  unzip -q "$work/keycloak-quarkus-dist-$VERSION.zip" -d "$work/unpacked"
  rm -rf "$OUT" "$OUT.partial"
  mv "$work/unpacked/keycloak-$VERSION" "$OUT.partial"
  mv "$OUT.partial" "$OUT"
fi

if ! prepared; then
  port=""
  for candidate in $(shuf -i 20000-60000 -n 20); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
  [[ -n "$port" ]] || { echo "keycloak: no free port found" >&2; exit 1; }
  echo "keycloak: preparing $OUT (Quarkus build and seed database; a few minutes on 2 cores)" >&2
  rm -rf "$OUT/data"
  "$OUT/bin/kc.sh" start-dev --http-port="$port" --http-host=127.0.0.1 \
    >"$work/prepare.log" 2>&1 &
  keycloak_pid=$!
  deadline=$(( $(date +%s) + 600 ))
  until curl -sf "http://127.0.0.1:$port/realms/master/.well-known/openid-configuration" >/dev/null; do
    if ! kill -0 "$keycloak_pid" 2>/dev/null || (( $(date +%s) > deadline )); then
      echo "keycloak: the preparing start failed; its log ends with:" >&2
      tail -n 30 "$work/prepare.log" >&2
      exit 1
    fi
    sleep 1
  done
  # kc.sh passes TERM on to Keycloak (or is Keycloak, after exec'ing it past the build); H2 closes the file.
  kill "$keycloak_pid"
  wait "$keycloak_pid" 2>/dev/null || true
  keycloak_pid=""
  rm -rf "$OUT/seed.partial" && mkdir -p "$OUT/seed.partial"
  mv "$OUT/data/h2" "$OUT/seed.partial/h2"
  rm -f "$OUT/seed.partial/h2/"*.trace.db
  rm -rf "$OUT/data"
  mv "$OUT/seed.partial" "$OUT/seed"
fi

echo "keycloak: Keycloak $VERSION ready in $(( $(date +%s) - started ))s" >&2
echo "$OUT"
