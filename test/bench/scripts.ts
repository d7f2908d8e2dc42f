import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PKGS = ['curl', 'jq', 'git', 'python3Packages.requests', '"python3.withPackages (ps: [ ps.requests ps.pyyaml ])"', 'kubectl', 'openssl'];

/** `n` generated scripts of 5–60 lines, 2 packages each (a seventh list one twice: a warning), pinned nixpkgs. */
export function generateScripts(work: string, n: number): string {
  const dir = join(work, `scripts-${n}`);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const p = [PKGS[i % PKGS.length], PKGS[(i * 3 + 1) % PKGS.length]].join(' ');
    const body = `set -euo pipefail\n\techo "job ${i}: {{ not a template }}"   \ncurl -s https://example.com/${i} | jq '.items[] | {name: .name}'\n`.repeat(1 + (i % 5));
    writeFileSync(join(dir, `job-${String(i).padStart(5, '0')}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${p}\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n${body}`);
  }
  return dir;
}

/** A nixpod.yaml with defaults and `rules` match rules over the generated job-NNNNN.sh names. */
export function nixpodYaml(rules: number): string {
  const lines = ['defaults:', '  labels:', '    team: bench', '  nixConfig:', '    substituters: https://cache.example.org https://cache.nixos.org', 'scripts:'];
  for (let i = 0; i < rules; i++) {
    lines.push(`  - match: "job-00${i % 10}*.sh"`, '    labels:', `      rule: r${i}`, '    resources:', '      requests:', `        memory: ${64 * (1 + (i % 4))}Mi`);
    if (i % 5 === 0) lines.push('    serviceAccountName: bench-runner');
    if (i % 7 === 0) lines.push('    kind: job', `    backoffLimit: ${i % 3}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The floor every figure is held to: Node reading each file of a folder (in
 * path order) and writing it to stdout, as `node -e` with nothing loaded.
 */
export const BARE_READ = "const fs=require('fs'),p=require('path');const d=process.argv[1];for(const f of fs.readdirSync(d).sort())fs.writeSync(1,fs.readFileSync(p.join(d,f)));";
