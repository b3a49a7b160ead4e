#!/usr/bin/env bash
# Prints what reconciling a fleet costs (never asserts it): three clusters of one sandbox account
# (dev, qa, staging, each on its own control plane) reconciled as their CronJobs' pods would run
# it, when nothing is due and when all are due; then what 200 clusters need of a management cluster.
# Usage: bench/fleet.sh [speed, default 10] [work dir, default /tmp/eks-scheduler-fleet-bench]
# Needs the sandbox binaries (sandbox/scripts/build-control-plane.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
speed="${1:-10}"
work="${2:-/tmp/eks-scheduler-fleet-bench}"
rm -rf "$work" && mkdir -p "$work"
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli,sandbox -am package
# Copies: a rebuild during the run cannot change what is measured.
cp sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar bench/target/bench.jar "$work/"
java -cp "$work/bench.jar" io.eksscheduler.bench.FleetBench "$work/eks-sandbox.jar" "$work/eks-scheduler.jar" "$work" "$speed"
