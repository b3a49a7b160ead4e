#!/usr/bin/env bash
# Prints the engine benchmark figures (never asserts them): validate 500 vs 1 step with the JVM
# start included, and the engine overhead per step over 1,000 no-op steps with durable state.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl bench,cli -am package
java -cp bench/target/bench.jar io.eksscheduler.bench.EngineBench cli/target/eks-scheduler.jar "${1:-7}"
