/** A Buffer over the same memory as `bytes` (no copy): scripts' bytes are Buffers when read from disk, plain Uint8Arrays in tests. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
