#!/usr/bin/env bash
# Prints the wake benchmark figures (never asserts them): eks-scheduler start of the sandbox's large
# scenario (100 nodes, 3,000 pods, apps depending on a slow database) after a stop, against the
# least time any wake could take (node launch + longest readiness chain), with the ratio.
# Usage: bench/wake.sh [speed, default 1] [work dir, default /tmp/eks-scheduler-wake-bench]
# Needs the sandbox binaries (sandbox/scripts/build-control-plane.sh) and ~1.5 GiB of free memory.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli,sandbox -am package
java -cp bench/target/bench.jar io.eksscheduler.bench.WakeBench \
  sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar "${1:-1}" \
  "${2:-/tmp/eks-scheduler-wake-bench}"
