#!/usr/bin/env bash
# Runs inside the guest (started by the image's vfkeeper-e2e-launch, which
# exports VFKEEPER_E2E_* from the kernel command line): dispatches to
# scenarios/NAME.sh (bash) or scenarios/NAME.ts (node, compiled by run-vm.sh
# into .e2e/build). Lives in the project, so editing it needs no image rebuild.
set -euo pipefail

name=${1:?usage: entry.sh SCENARIO}
[[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "entry.sh: bad scenario name '$name'" >&2; exit 2; }
guest=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$guest/../../.." && pwd)
export VFKEEPER_E2E_SCENARIO=$name

if [ -f "$guest/scenarios/$name.sh" ]; then
  exec bash "$guest/scenarios/$name.sh"
elif [ -f "$guest/scenarios/$name.ts" ]; then
  js=$project/.e2e/build/test/e2e/guest/scenarios/$name.js
  [ -f "$js" ] || { echo "entry.sh: $js is missing (run-vm.sh compiles it)" >&2; exit 2; }
  exec node --enable-source-maps "$js"
fi
echo "entry.sh: no scenario $name in $guest/scenarios (.sh or .ts)" >&2
exit 2
