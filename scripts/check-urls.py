#! /usr/bin/env nix-shell
#! nix-shell -i python3
#! nix-shell -p "python3.withPackages (ps: [ ps.requests ])"
#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz
"""Check that a list of URLs answers with HTTP 2xx; exit 1 if any does not."""
import sys

import requests

URLS = sys.argv[1:] or ["https://nixos.org", "https://kubernetes.io"]

failed = 0
for url in URLS:
    try:
        status = requests.head(url, allow_redirects=True, timeout=10).status_code
    except requests.RequestException as e:
        status = f"error: {e}"
    ok = isinstance(status, int) and 200 <= status < 300
    failed += not ok
    print(f"{'ok ' if ok else 'BAD'} {url} {status}")

sys.exit(1 if failed else 0)
