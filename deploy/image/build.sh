#!/usr/bin/env bash
# Builds the runner's image with podman and prints its reference on the last line of stdout:
#   deploy/image/build.sh [--base IMAGE]
# With no --base, the Java runtime comes from Debian's packages (mmdebstrap, no registry needed),
# cached in ~/.cache/eks-scheduler-image. Builds cli/target/eks-scheduler.jar when it is missing.
# Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/image/podman.sh

base=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1 (usage: deploy/image/build.sh [--base IMAGE])" >&2; exit 2 ;;
  esac
done

say() { echo "[image] $*" >&2; }

jar=cli/target/eks-scheduler.jar
if [ ! -f "$jar" ]; then
  say "building $jar"
  ./mvnw -B -q -DskipTests -pl cli -am package >&2
fi
version=$(java -jar "$jar" --version | awk '{print $2}')
case "$version" in
  ""|development) echo "error: $jar does not know its version (rebuild it: ./mvnw -pl cli -am package)" >&2; exit 1 ;;
esac

if [ -z "$base" ]; then
  base=localhost/eks-scheduler-jre:17
  if ! podman_ image exists "$base"; then
    tar="$EKS_SCHEDULER_IMAGE_CACHE/jre-base.tar"
    if [ ! -s "$tar" ]; then
      command -v mmdebstrap >/dev/null || {
        echo "error: no --base given and mmdebstrap is missing: apt-get install mmdebstrap, or pass --base IMAGE" >&2
        exit 1
      }
      say "making a Java 17 runtime base from Debian's packages (about 30 s, once): $tar"
      mmdebstrap --quiet --variant=essential \
        --include=openjdk-17-jre-headless,ca-certificates bookworm "${tar%.tar}.part.tar" >&2
      mv "${tar%.tar}.part.tar" "$tar"
    fi
    say "importing $tar as $base"
    podman_ import "$tar" "$base" >/dev/null
  fi
fi

image=localhost/eks-scheduler:$version
say "building $image on $base"
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$jar" "$context/eks-scheduler.jar"
podman_ build --quiet -f deploy/image/Containerfile --build-arg "BASE=$base" \
  --build-arg "VERSION=$version" -t "$image" "$context" >&2
say "built $image ($(podman_ image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$image"
