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
#   While a step runs, a line says which, for how long, and what comes next, every PROGRESS_SECONDS (default 15).
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
  echo "k8s-test-binaries: Go is not installed. Install Go 1.25+ (the binaries are built from Go modules; nothing is" \
    "downloaded from a release site), or point NEBARI_K8S_BINARIES at a directory with kube-apiserver," \
    "kube-controller-manager, kube-scheduler, kubectl, etcd and kwok of these versions" >&2
  exit 1
fi

mkdir -p "$OUT"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a step in the background and says every PROGRESS_SECONDS that it is still going, so that a cold build (10-20
# minutes) never looks stuck: step <what> <next> <command...>
PROGRESS_SECONDS="${PROGRESS_SECONDS:-15}"
step() {
  local what=$1 next=$2; shift 2
  local began pid waited=0
  began=$(date +%s)
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if (( waited % PROGRESS_SECONDS == 0 )) && kill -0 "$pid" 2>/dev/null; then
      echo "k8s-test-binaries: $what: $(( $(date +%s) - began )) s so far ($(( $(date +%s) - started )) s in all); next: $next"
    fi
  done
  wait "$pid"
}

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
  echo "k8s-test-binaries: fetching the Kubernetes $K8S_VERSION module"
  step "fetching the Kubernetes module" "resolving its dependencies" \
    sh -c 'go mod download -json "k8s.io/kubernetes@$1" >"$2"' _ "$K8S_VERSION" "$work/k8s.json"
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
  echo "k8s-test-binaries: resolving the Kubernetes module's dependencies"
  step "resolving dependencies" "building ${missing_k8s[0]}" sh -c 'go mod tidy >/dev/null 2>&1 || go mod tidy' 
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.}"
  ldflags="${ldflags%.*}"
  local i
  for i in "${!missing_k8s[@]}"; do
    local cmd=${missing_k8s[$i]}
    echo "k8s-test-binaries: building $cmd $K8S_VERSION ($(after "$cmd") to go)"
    step "building $cmd" "$(next_after "$cmd")" \
      go build -trimpath -ldflags "$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
}

build_module_binary() { # name module-path package version
  local name=$1 module=$2 pkg=$3 version=$4
  have "$name" && return 0
  echo "k8s-test-binaries: building $name $version ($(after "$name") to go)"
  mkdir -p "$work/$name" && cd "$work/$name"
  go mod init "nebari.dev/$name-build" >/dev/null 2>&1
  step "fetching $name" "building $name" sh -c 'go get "$1" >/dev/null 2>&1 || go get "$1"' _ "$pkg@$version"
  step "building $name" "$(next_after "$name")" go build -trimpath -ldflags "-s -w" -o "$OUT/$name.tmp" "$pkg"
  mv "$OUT/$name.tmp" "$OUT/$name"
}

# What is missing, in build order: the progress lines name the next step and how many are left.
missing_k8s=()
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do have "$cmd" || missing_k8s+=("$cmd"); done
missing=("${missing_k8s[@]}")
for cmd in etcd kwok; do have "$cmd" || missing+=("$cmd"); done
if (( ${#missing[@]} > 0 )); then
  echo "k8s-test-binaries: building ${missing[*]} into $OUT (a cold build takes 10-20 minutes on 2 cores)"
fi
after() { # after <binary>: how many binaries remain, this one included
  local i
  for i in "${!missing[@]}"; do [[ "${missing[$i]}" == "$1" ]] && { echo "$(( ${#missing[@]} - i )) of ${#missing[@]}"; return; }; done
  echo "?"
}
next_after() { # next_after <binary>: what is built after it
  local i
  for i in "${!missing[@]}"; do
    [[ "${missing[$i]}" == "$1" ]] && { echo "${missing[$((i + 1))]:-nothing (done)}"; return; }
  done
  echo "nothing (done)"
}

if (( ${#missing_k8s[@]} > 0 )); then build_kubernetes; fi
build_module_binary etcd go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
build_module_binary kwok sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"

echo "$K8S_VERSION" >"$OUT/VERSION"
echo "k8s-test-binaries: ready in $OUT ($(( $(date +%s) - started ))s)"
