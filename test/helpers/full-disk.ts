import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small real file system, filled to the last page: writes on it fail with ENOSPC. */
export interface FullDisk {
  /** The mount point; `fill/` in it holds the filler files. */
  dir: string;
  /** Free this many 4 KiB pages, so that some writes succeed before one fails. */
  free(pages: number): void;
  /** Everything on it but the filler, as paths from `dir`. */
  entries(): string[];
  unmount(): void;
}

const PAGE = 4096;

/**
 * Mount a 64 KiB tmpfs and fill it. Returns the reason when mounting is not
 * permitted (not root, no mount namespace), so that the test can skip with
 * it; with NIXPOD_REQUIRE_TOOLS set (CI, which runs as root) it throws.
 */
export function mountFullDisk(): FullDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a small tmpfs for a full disk: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]}`;
    if (process.env.NIXPOD_REQUIRE_TOOLS) throw new Error(`${why} (NIXPOD_REQUIRE_TOOLS is set: this test must run)`);
    return why;
  }
  const fill = join(dir, 'fill');
  mkdirSync(fill);
  const page = Buffer.alloc(PAGE, 0x78);
  let n = 0;
  for (;;) {
    try {
      writeFileSync(join(fill, String(n)), page);
      n += 1;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      break;
    }
  }
  return {
    dir,
    free(pages) {
      for (let i = 0; i < pages; i++) rmSync(join(fill, String(--n)));
    },
    entries: () => (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p !== 'fill' && !p.startsWith('fill/')).sort(),
    unmount() {
      // Still mounted (busy): leave the mount point rather than empty it.
      if (spawnSync('umount', [dir]).status === 0) rmSync(dir, { recursive: true, force: true });
    },
  };
}
