import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads many small files into shared slabs: open, read until a read gives
 * nothing, close (readFileSync adds an fstat and a Buffer per file). A file
 * that fills its chunk goes on in buffers of its own. The bytes of each file
 * are a view into a slab: never written to.
 */
export class SlabReader {
  private slab = Buffer.allocUnsafeSlow(SLAB);
  private used = 0;

  read(path: string): Uint8Array {
    const fd = openSync(path, 'r');
    try {
      return this.readFd(fd);
    } finally {
      closeSync(fd);
    }
  }

  private readFd(fd: number): Uint8Array {
    if (SLAB - this.used < CHUNK) {
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.used = 0;
    }
    // Until a read gives nothing: some file systems (FUSE, NFS, /proc) answer short before the end.
    let n = 0;
    for (let k; n < CHUNK && (k = readSync(fd, this.slab, this.used + n, CHUNK - n, null)) > 0; ) n += k;
    if (n < CHUNK) {
      const bytes = this.slab.subarray(this.used, this.used + n);
      this.used += n;
      return bytes;
    }
    // A large file (scripts seldom are): the chunk read so far, then the rest in buffers of its own.
    const parts = [Buffer.from(this.slab.subarray(this.used, this.used + n))];
    for (;;) {
      const b = Buffer.allocUnsafe(BIG_READ);
      const k = readSync(fd, b, 0, BIG_READ, null);
      if (k === 0) break;
      parts.push(b.subarray(0, k));
    }
    return Buffer.concat(parts);
  }
}

/** A slab holds the bytes of some hundreds of scripts; a file larger than a chunk is read on its own. */
const SLAB = 1 << 20;
const CHUNK = 64 << 10;
const BIG_READ = 1 << 20;
