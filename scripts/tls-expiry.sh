#! /usr/bin/env nix-shell
#! nix-shell -i bash -p openssl coreutils
#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz
# Warn when a host's TLS certificate expires within 14 days.
set -euo pipefail

for host in "${@:-kubernetes.io}"; do
  end=$(echo | openssl s_client -connect "$host:443" -servername "$host" 2>/dev/null |
    openssl x509 -noout -enddate | cut -d= -f2)
  days=$(( ($(date -d "$end" +%s) - $(date +%s)) / 86400 ))
  if (( days < 14 )); then echo "WARN $host expires in $days days"; else echo "ok   $host ($days days)"; fi
done
