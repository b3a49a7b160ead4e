#!/usr/bin/env bash
# The demo: builds the eks-scheduler jar, validates the example playbook, previews it with
# --dry-run, then runs it (state in ./.eks-scheduler; try Ctrl-C and `resume`).
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl cli -am package
jar=cli/target/eks-scheduler.jar
echo "\$ eks-scheduler validate examples/hello.yaml"
java -jar "$jar" validate examples/hello.yaml
echo; echo "\$ eks-scheduler run examples/hello.yaml --dry-run"
java -jar "$jar" run examples/hello.yaml --dry-run
echo; echo "\$ eks-scheduler run examples/hello.yaml -p loud=true"
java -jar "$jar" run examples/hello.yaml -p loud=true "$@"
