#!/usr/bin/env bash
# Prints the stop benchmark figures (never asserts them): eks-scheduler stop of the sandbox's dev
# scenario against the least time any safe stop could take (the longest chain of sleeps, the drain,
# the instances' termination), with the ratio, and the nodes EKS terminated past its 15-minute
# PodDisruptionBudget limit.
# Usage: bench/stop.sh [speed, default 1] [work dir, default /tmp/eks-scheduler-stop-bench]
# Needs the sandbox binaries (sandbox/scripts/build-control-plane.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli,sandbox -am package
java -cp bench/target/bench.jar io.eksscheduler.bench.StopBench \
  sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar "${1:-1}" \
  "${2:-/tmp/eks-scheduler-stop-bench}"
