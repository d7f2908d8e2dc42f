#! /usr/bin/env nix-shell
#! nix-shell -i bash -p kubectl jq
#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz
# Print a one-line summary per namespace: how many Pods run, and how many are not Ready.
set -euo pipefail

kubectl get pods --all-namespaces -o json |
  jq -r '
    .items
    | group_by(.metadata.namespace)[]
    | {ns: .[0].metadata.namespace,
       total: length,
       notReady: map(select(any(.status.conditions[]?; .type == "Ready" and .status != "True"))) | length}
    | "\(.ns)\t\(.total) pods\t\(.notReady) not ready"'
