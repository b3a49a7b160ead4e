#!/usr/bin/env bash
# The demo: hibernate a simulated EKS cluster with `eks-scheduler stop`.
#
#   ./demo.sh                         builds the control plane (once, cached) and the jars, starts
#                                     the sandbox's `dev` cluster, previews the stop (--dry-run),
#                                     stops it, shows the cluster before and after, and removes
#                                     the sandbox again
#   ./demo.sh --cluster NAME [--region R]
#                                     a real cluster, with your AWS credentials and kubeconfig:
#                                     only the preview (stop --dry-run), which changes nothing
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
  say "eks-scheduler stop --cluster $cluster ${region_args[*]} --dry-run"
  exec java -jar cli/target/eks-scheduler.jar stop --cluster "$cluster" "${region_args[@]}" --dry-run
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

cluster_view() {
  echo "nodes: $(kubectl get nodes --no-headers 2>/dev/null | wc -l)," \
    "running pods: $(kubectl get pods -A --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)"
  kubectl get deployments,statefulsets -A \
    -o custom-columns='KIND:.kind,NAMESPACE:.metadata.namespace,NAME:.metadata.name,REPLICAS:.spec.replicas,READY:.status.readyReplicas'
  kubectl get cronjobs -A -o custom-columns='KIND:.kind,NAMESPACE:.metadata.namespace,NAME:.metadata.name,SUSPEND:.spec.suspend'
}

say "kubectl get nodes,deployments,statefulsets,cronjobs  (before)"
cluster_view

say "eks-scheduler stop --cluster dev --dry-run"
java -jar "$jar" stop --cluster dev --dry-run --state-dir "$state"

say "eks-scheduler stop --cluster dev"
java -jar "$jar" stop --cluster dev --state-dir "$state"

say "kubectl get nodes,deployments,statefulsets,cronjobs  (after)"
cluster_view
echo
echo "The originals are on the objects (annotation eks-scheduler.io/original) and in the run:"
say "kubectl get deployment -n shop api -o jsonpath='{.metadata.annotations.eks-scheduler\\.io/original}'"
kubectl get deployment -n shop api -o jsonpath='{.metadata.annotations.eks-scheduler\.io/original}'
echo
say "eks-scheduler runs list --state-dir target/demo-state"
java -jar "$jar" runs list --state-dir "$state"
if [ "${EKS_DEMO_KEEP:-0}" = 1 ]; then
  echo
  echo "The sandbox keeps running: KUBECONFIG=$KUBECONFIG (kubectl in $(dirname "$(command -v kubectl)"));"
  echo "remove it with: java -jar $sandbox_jar down --dir $dir"
fi
