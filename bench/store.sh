#!/usr/bin/env bash
# Prints the run store figures (never asserts them): 1,000 no-op steps on the directory store and
# on the cluster store (a real API server: the sandbox's), the requests and bytes written per
# durable event, and the sizes of the largest run's objects.
# Usage: bench/store.sh [work dir, default /tmp/eks-scheduler-store-bench]
# Needs the sandbox binaries (sandbox/scripts/build-control-plane.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/eks-scheduler-store-bench}"
rm -rf "$work" && mkdir -p "$work"
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli,sandbox -am package
java -jar sandbox/target/eks-sandbox.jar up --dir "$work/sandbox" --speed 10 >"$work/env.sh" 2>"$work/up.log"
trap 'java -jar sandbox/target/eks-sandbox.jar down --dir "$work/sandbox" >/dev/null 2>&1 || true' EXIT
java -cp bench/target/bench.jar io.eksscheduler.bench.StoreBench "$work/sandbox/admin.kubeconfig" "$work"
