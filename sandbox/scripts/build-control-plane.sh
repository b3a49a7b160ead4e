#!/usr/bin/env bash
# Builds the sandbox's control plane from source through the Go module proxy:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (one `go build`),
# etcd, and KWOK, at pinned versions, into a cache outside the repository.
# Re-running it is cheap: binaries already built for these versions are reused.
# KWOK's stage configuration is not taken from here: the sandbox generates it at `up` from a
# resource in its jar (io/eksscheduler/sandbox/kwok-stages.yaml), scaled by --speed.
#
# Environment: EKS_SANDBOX_CACHE (default ~/.cache/eks-scheduler-sandbox).
# Output: progress on stderr; the bin directory as the last line of stdout.
# Keep the versions in step with io.eksscheduler.sandbox.controlplane.ControlPlaneBinaries.
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.14
KWOK_VERSION=0.8.0
MIN_FREE_GB=10

CACHE=${EKS_SANDBOX_CACHE:-$HOME/.cache/eks-scheduler-sandbox}
STAMP="k8s-v$K8S_VERSION-etcd-v$ETCD_VERSION-kwok-v$KWOK_VERSION"
BIN=$CACHE/$STAMP/bin
WORK=$CACHE/work
TOOLS="kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok"

say() { printf '[build-control-plane %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

all_built() {
  for t in $TOOLS; do [ -x "$BIN/$t" ] || return 1; done
}

# Earlier versions of this script copied KWOK's upstream stages next to bin/; nothing reads them.
rm -rf "$CACHE/$STAMP/kwok-upstream-stages" "$CACHE/$STAMP/kwok-stages.yaml"

if all_built; then
  say "up to date: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || die "Go is not installed; install Go 1.26 or newer (Debian: golang, or go.dev toolchain) and retry"
GO_MINOR=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
[ "${GO_MINOR:-0}" -ge 26 ] || die "Go $(go env GOVERSION) is too old: Kubernetes v$K8S_VERSION needs Go 1.26 or newer"
command -v openssl >/dev/null || die "openssl is missing (the sandbox makes its certificates with it): apt-get install openssl"

mkdir -p "$CACHE" "$BIN" "$WORK"
FREE_KB=$(df -Pk "$CACHE" | awk 'NR==2 {print $4}')
[ "$FREE_KB" -ge $((MIN_FREE_GB * 1024 * 1024)) ] \
  || die "only $((FREE_KB / 1024 / 1024)) GiB free under $CACHE; the build needs about $MIN_FREE_GB GiB (modules and build cache)"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
START=$(date +%s)

# Kubernetes: k8s.io/kubernetes requires its staging modules at v0.0.0, so a wrapper module
# replaces each one with the matching published v0.Y.Z (kubernetes/kubernetes#79384).
if [ ! -x "$BIN/kube-apiserver" ] || [ ! -x "$BIN/kubectl" ]; then
  say "Kubernetes v$K8S_VERSION: resolving modules"
  mkdir -p "$WORK/k8s" && cd "$WORK/k8s"
  [ -f go.mod ] || go mod init sandbox.local/k8sbuild >/dev/null 2>&1
  STAGING=v0.${K8S_VERSION#1.}
  KMOD=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -n "$KMOD" ] || die "could not download k8s.io/kubernetes@v$K8S_VERSION from the Go module proxy"
  for m in $(sed -n 's|^\s*\(k8s\.io/[^ ]*\) => \./staging/.*|\1|p' "$KMOD"); do
    go mod edit -replace="$m=$m@$STAGING"
  done
  P=k8s.io/kubernetes/cmd
  go get "$P/kube-apiserver@v$K8S_VERSION" "$P/kube-controller-manager@v$K8S_VERSION" \
    "$P/kube-scheduler@v$K8S_VERSION" "$P/kubectl@v$K8S_VERSION" 2>&1 | tail -n 3 >&2 || true
  MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
  LD="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD="$LD -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean -X $p.buildDate=$(date -u +%FT%TZ)"
  done
  say "Kubernetes v$K8S_VERSION: compiling kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (the long part: 15-40 min cold on 2 cores)"
  go build -trimpath -tags selinux,notest -ldflags "$LD" -o "$BIN/" \
    "$P/kube-apiserver" "$P/kube-controller-manager" "$P/kube-scheduler" "$P/kubectl"
  say "Kubernetes built after $(( $(date +%s) - START ))s"
fi

# etcd: server/go.mod carries relative replaces, so `go install` refuses it; build it from a wrapper.
if [ ! -x "$BIN/etcd" ]; then
  say "etcd v$ETCD_VERSION: compiling"
  mkdir -p "$WORK/etcd" && cd "$WORK/etcd"
  [ -f go.mod ] || go mod init sandbox.local/etcdbuild >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" 2>&1 | tail -n 3 >&2 || true
  go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" \
    -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  say "etcd built after $(( $(date +%s) - START ))s"
fi

# KWOK (v0.8.0 ships no built-in stages; the sandbox writes its own at `up`).
if [ ! -x "$BIN/kwok" ]; then
  say "KWOK v$KWOK_VERSION: compiling"
  GOBIN="$BIN" go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  say "KWOK built after $(( $(date +%s) - START ))s"
fi

for t in $TOOLS; do
  [ -x "$BIN/$t" ] || die "the build finished without $BIN/$t; see the messages above"
done
"$BIN/kube-apiserver" --version | grep -q "v$K8S_VERSION\$" \
  || die "$BIN/kube-apiserver reports $("$BIN/kube-apiserver" --version), expected v$K8S_VERSION"

say "done in $(( $(date +%s) - START ))s: $BIN"
echo "$BIN"
