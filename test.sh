#!/usr/bin/env bash
# Runs every test: builds (or reuses) the sandbox's control plane, then unit tests (Surefire) and
# integration tests against the real control plane (Failsafe).
set -euo pipefail
cd "$(dirname "$0")"
sandbox/scripts/build-control-plane.sh >/dev/null
./mvnw -B verify "$@"
