# Sourced by the image scripts and tests: podman_ runs podman with the settings these machines
# need, without any exported variable: runc (crun refuses a hybrid cgroup v1/v2 layout) and no
# default ulimits (podman's defaults exceed what such a machine allows). Elsewhere it is podman.
EKS_SCHEDULER_IMAGE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/eks-scheduler-image"
mkdir -p "$EKS_SCHEDULER_IMAGE_CACHE"
if [ ! -f "$EKS_SCHEDULER_IMAGE_CACHE/containers.conf" ]; then
  printf '[containers]\ndefault_ulimits = []\n' > "$EKS_SCHEDULER_IMAGE_CACHE/containers.conf"
fi
podman_() {
  local runtime=()
  if command -v runc >/dev/null; then runtime=(--runtime runc); fi
  CONTAINERS_CONF="${CONTAINERS_CONF:-$EKS_SCHEDULER_IMAGE_CACHE/containers.conf}" \
    podman "${runtime[@]}" "$@"
}
