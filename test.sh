#!/usr/bin/env bash
# Runs every test: builds (or reuses) the sandbox's control plane, then unit tests (Surefire) and
# integration tests against the real control plane (Failsafe).
set -euo pipefail
cd "$(dirname "$0")"
sandbox/scripts/build-control-plane.sh >/dev/null
for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null || {
    echo "test.sh: $tool is missing (the image's tests need it): apt-get install podman runc mmdebstrap" >&2
    exit 1
  }
done
./mvnw -B verify "$@"
