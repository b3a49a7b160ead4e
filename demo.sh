#!/usr/bin/env bash
# The demo: hibernate and wake a simulated EKS cluster with `eks-scheduler stop` and `start`.
#
#   ./demo.sh                         builds the control plane (once, cached) and the jars, starts
#                                     the sandbox's `dev` cluster, previews the stop (--dry-run),
#                                     stops it, shows `status`, starts it again, and ends with a
#                                     before/after summary; then removes the sandbox
#   ./demo.sh --cluster NAME [--region R]
#                                     a real cluster, with your AWS credentials and kubeconfig:
#                                     only the previews (stop and start --dry-run), which change
#                                     nothing
#
# Environment: EKS_DEMO_SPEED (default 5) makes the sandbox's simulated delays that much faster;
# EKS_DEMO_KEEP=1 leaves the sandbox running afterwards (stop it with the `down` printed).
set -euo pipefail
cd "$(dirname "$0")"

cluster=""
region_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster="$2"; shift 2 ;;
    --region) region_args=(--region "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see ./demo.sh --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

if [ -n "$cluster" ]; then
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl cli -am package
  say "eks-scheduler status --cluster $cluster ${region_args[*]}"
  java -jar cli/target/eks-scheduler.jar status --cluster "$cluster" "${region_args[@]}"
  say "eks-scheduler stop --cluster $cluster ${region_args[*]} --dry-run"
  java -jar cli/target/eks-scheduler.jar stop --cluster "$cluster" "${region_args[@]}" --dry-run
  say "eks-scheduler start --cluster $cluster ${region_args[*]} --dry-run"
  exec java -jar cli/target/eks-scheduler.jar start --cluster "$cluster" "${region_args[@]}" --dry-run
fi

sandbox/scripts/build-control-plane.sh
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl cli,sandbox -am package
jar="$PWD/cli/target/eks-scheduler.jar"
sandbox_jar="$PWD/sandbox/target/eks-sandbox.jar"
dir="$PWD/target/demo-sandbox"
state="$PWD/target/demo-state"
rm -rf "$state"

java -jar "$sandbox_jar" down --dir "$dir" >/dev/null 2>&1 || true
if [ "${EKS_DEMO_KEEP:-0}" != 1 ]; then
  trap 'java -jar "$sandbox_jar" down --dir "$dir" >/dev/null 2>&1 || true' EXIT
fi
say "eks-sandbox up --scenario dev --speed ${EKS_DEMO_SPEED:-5}"
eval "$(java -jar "$sandbox_jar" up --dir "$dir" --scenario dev --speed "${EKS_DEMO_SPEED:-5}")"

summary() {
  # One line per thing a stop changes and a start restores, sorted, so before and after compare.
  echo "nodes $(kubectl get nodes --no-headers 2>/dev/null | wc -l)"
  kubectl get deployments,statefulsets -A --no-headers \
    -o custom-columns='K:.kind,NS:.metadata.namespace,N:.metadata.name,R:.spec.replicas' | awk '{print $1" "$2"/"$3" replicas="$4}'
  kubectl get cronjobs,jobs -A --no-headers \
    -o custom-columns='K:.kind,NS:.metadata.namespace,N:.metadata.name,S:.spec.suspend' | awk '{print $1" "$2"/"$3" suspend="$4}'
  kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations --no-headers \
    -o custom-columns='K:.kind,N:.metadata.name,P:.webhooks[*].failurePolicy' | awk '{print $1" "$2" failurePolicy="$3}'
  echo "eks-scheduler.io annotations: $(kubectl get deployments,statefulsets,cronjobs,jobs -A -o json | grep -c '"eks-scheduler.io/original"')"
}

say "the cluster before"
summary | tee "$state.before"

say "eks-scheduler stop --cluster dev --dry-run"
java -jar "$jar" stop --cluster dev --dry-run

say "eks-scheduler stop --cluster dev     (its run is kept in the cluster: namespace eks-scheduler)"
java -jar "$jar" stop --cluster dev

say "the cluster asleep"
summary
say "eks-scheduler status --cluster dev"
java -jar "$jar" status --cluster dev

say "eks-scheduler start --cluster dev"
java -jar "$jar" start --cluster dev

say "the cluster after"
summary | tee "$state.after"
echo "pods Running and Ready: $(kubectl get pods -A --no-headers | awk '{split($3, r, "/"); if ($4 == "Running" && r[1] == r[2]) n++} END {print n + 0}')" \
  "of $(kubectl get pods -A --no-headers | wc -l)"
say "eks-scheduler status --cluster dev"
java -jar "$jar" status --cluster dev
say "eks-scheduler runs list --cluster dev     (any machine sees the runs the cluster keeps)"
java -jar "$jar" runs list --cluster dev
echo
if diff -u "$state.before" "$state.after"; then
  echo "before/after: identical ($(wc -l < "$state.before") lines compared)"
else
  echo "before/after: the lines above differ" >&2
  exit 1
fi
if [ "${EKS_DEMO_KEEP:-0}" = 1 ]; then
  echo
  echo "The sandbox keeps running: KUBECONFIG=$KUBECONFIG (kubectl in $(dirname "$(command -v kubectl)"));"
  echo "remove it with: java -jar $sandbox_jar down --dir $dir"
fi
