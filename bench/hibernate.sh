#!/usr/bin/env bash
# Prints the hibernate benchmark figures (never asserts them): eks-scheduler stop against
# node-serial kubectl drain on the sandbox's large scenario (100 nodes, 3,000 pods), each on a fresh
# sandbox at the same speed, with the Kubernetes API requests per pod from the audit log.
# Usage: bench/hibernate.sh [speed, default 30] [work dir, default /tmp/eks-scheduler-hibernate-bench]
# Needs the sandbox binaries (sandbox/scripts/build-control-plane.sh) and ~1.5 GiB of free memory.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli,sandbox -am package
java -cp bench/target/bench.jar io.eksscheduler.bench.HibernateBench \
  sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar "${1:-30}" \
  "${2:-/tmp/eks-scheduler-hibernate-bench}"
