#!/usr/bin/env bash
# Refreshes the add-on CRDs the sandbox installs (sandbox/src/main/resources/io/eksscheduler/sandbox/
# crds/): each is taken verbatim from its project's Go module zip, at the pinned version, through the
# Go module proxy. The files are kept in the repository, so neither `up` nor the tests need the
# network; run this only to move a pin, then update docs/sandbox.md and SOURCES.
#
# Environment: GOPROXY's first entry (default https://proxy.golang.org).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/main/resources/io/eksscheduler/sandbox/crds
PROXY=${GOPROXY:-https://proxy.golang.org}
PROXY=${PROXY%%,*}

# module version path-in-module file-name
PINS="
sigs.k8s.io/karpenter v1.15.0 pkg/apis/crds/karpenter.sh_nodepools.yaml karpenter.sh_nodepools.yaml
sigs.k8s.io/karpenter v1.15.0 pkg/apis/crds/karpenter.sh_nodeclaims.yaml karpenter.sh_nodeclaims.yaml
github.com/kedacore/keda/v2 v2.21.1 config/crd/bases/keda.sh_scaledobjects.yaml keda.sh_scaledobjects.yaml
github.com/argoproj/argo-cd/v3 v3.6.2 manifests/crds/application-crd.yaml argoproj.io_applications.yaml
github.com/fluxcd/kustomize-controller v1.10.1 config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml kustomize.toolkit.fluxcd.io_kustomizations.yaml
github.com/fluxcd/helm-controller v1.4.3 config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml helm.toolkit.fluxcd.io_helmreleases.yaml
"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
echo "$PINS" | while read -r module version path file; do
  [ -n "$module" ] || continue
  zip="$WORK/$(echo "$module" | tr / _)@$version.zip"
  if [ ! -f "$zip" ]; then
    # The proxy escapes capital letters in module paths as !lower; none of these has any.
    curl -fsSL --max-time 300 -o "$zip" "$PROXY/$module/@v/$version.zip"
  fi
  unzip -p "$zip" "$module@$version/$path" > "$OUT/$file"
  [ -s "$OUT/$file" ] || { echo "update-crds: $module@$version has no $path" >&2; exit 1; }
  echo "$module@$version $path -> $file"
done
