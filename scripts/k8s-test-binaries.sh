#!/usr/bin/env bash
# Builds the Kubernetes test binaries (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# etcd, kwok) from Go
# modules into a cache outside the repository, so the tests can run a real control plane without
# Docker or a download site. Idempotent: a binary that is already in the cache is not rebuilt.
#
# Pinned versions (change them together; the staging modules follow the Kubernetes minor):
#   Kubernetes v1.35.4, etcd v3.6.16, KWOK v0.7.0 (kube-scheduler and kubectl come from the Kubernetes module)
#
# Measured on the 2-core / 24 GiB development machine (Go 1.26.8), 2026-11-26:
#   cold (empty Go module and build caches): about 22 minutes in all (12m35s for kube-apiserver,
#     kube-controller-manager and etcd, then 9m29s for kube-scheduler, kubectl and kwok, each run while a
#     Maven build shared the two cores)
#   warm (binaries already in the cache): 0.9 s (each binary is checked with --version and skipped)
#
# Usage: scripts/k8s-test-binaries.sh [--print-dir]
#   NEBARI_K8S_CACHE overrides the cache root (default ~/.cache/nebari-llm-serving/k8s).
#   The binaries land in $NEBARI_K8S_CACHE/<kubernetes version>/ ; --print-dir prints that path only.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.35.4}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"
CACHE_ROOT="${NEBARI_K8S_CACHE:-$HOME/.cache/nebari-llm-serving/k8s}"
OUT="$CACHE_ROOT/$K8S_VERSION"

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$OUT"
  exit 0
fi

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-test-binaries: Go is not installed; install Go 1.25+ or let the harness download envtest binaries" >&2
  exit 1
fi

mkdir -p "$OUT"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have() {
  [[ -x "$OUT/$1" ]] || return 1
  case "$1" in
    kubectl) "$OUT/$1" version --client >/dev/null 2>&1 ;;
    *) "$OUT/$1" --version >/dev/null 2>&1 ;;
  esac
}

build_kubernetes() {
  local minor="v0.${K8S_VERSION#v1.}"
  mkdir -p "$work/k8s" && cd "$work/k8s"
  go mod init nebari.dev/k8s-test-binaries >/dev/null 2>&1
  # Kubernetes' own go.mod requires every staging module at v0.0.0 and replaces it with a local
  # path; a consumer must replace each with the published v0.<minor>.<patch> instead.
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >"$work/k8s.json"
  local gomod
  gomod=$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' "$work/k8s.json")
  local staging
  staging=$(awk '/^require/{r=1} r && $2=="v0.0.0" {print $1}' "$gomod" | sort -u)
  {
    echo "require k8s.io/kubernetes $K8S_VERSION"
    for m in $staging; do echo "replace $m => $m $minor"; done
  } >>go.mod
  cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy >/dev/null 2>&1 || go mod tidy
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.}"
  ldflags="${ldflags%.*}"
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    have "$cmd" && continue
    echo "k8s-test-binaries: building $cmd $K8S_VERSION"
    go build -trimpath -ldflags "$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
}

build_module_binary() { # name module-path package version
  local name=$1 module=$2 pkg=$3 version=$4
  have "$name" && return 0
  echo "k8s-test-binaries: building $name $version"
  mkdir -p "$work/$name" && cd "$work/$name"
  go mod init "nebari.dev/$name-build" >/dev/null 2>&1
  go get "$pkg@$version" >/dev/null 2>&1 || go get "$pkg@$version"
  go build -trimpath -ldflags "-s -w" -o "$OUT/$name.tmp" "$pkg"
  mv "$OUT/$name.tmp" "$OUT/$name"
}

needs_k8s=false
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do have "$cmd" || needs_k8s=true; done
if $needs_k8s; then build_kubernetes; fi
build_module_binary etcd go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
build_module_binary kwok sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"

echo "$K8S_VERSION" >"$OUT/VERSION"
echo "k8s-test-binaries: ready in $OUT ($(( $(date +%s) - started ))s)"
