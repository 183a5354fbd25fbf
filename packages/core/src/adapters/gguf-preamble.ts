/**
 * A cheap first look at a GGUF file: magic, version and counts, checked against the file's size
 * before any parser trusts them. node-llama-cpp's reader can spin for minutes on a file whose
 * counts are garbage, and llama.cpp may abort; this catches the plainly broken files in
 * microseconds, in process.
 */
import { open } from 'node:fs/promises';

/** `GGUF` as a little-endian u32 at offset 0 (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). */
const GGUF_MAGIC = 0x46554747;

/** What the first 24 bytes of a GGUF file say. */
export interface GgufPreamble {
  version: number;
  tensorCount: number;
  metadataCount: number;
  fileBytes: number;
}

/** A file that is not a readable GGUF; the message is one line naming the problem. */
export class GgufFormatError extends Error {
  override name = 'GgufFormatError';
}

// Smallest encodings: a metadata entry is a key (u64 length + ≥ 1 byte), a u32 type and at least
// one byte of value; a tensor info is a name (u64 + ≥ 1), u32 dims, ≥ 1 u64 dim, u32 type, u64 offset.
const MIN_METADATA_BYTES = 8 + 1 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;

/**
 * Reads and checks the preamble of `file`.
 * @throws GgufFormatError when the file is not GGUF, has a version llama.cpp does not read, or
 *   claims more entries than it can hold
 * @example
 * const { version, tensorCount } = await readGgufPreamble('model.gguf');
 */
export async function readGgufPreamble(file: string): Promise<GgufPreamble> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(24);
    const { bytesRead } = await fh.read(buf, 0, 24, 0);
    if (bytesRead < 4 || buf.readUInt32LE(0) !== GGUF_MAGIC) {
      const start = JSON.stringify(buf.subarray(0, Math.min(bytesRead, 4)).toString('latin1'));
      throw new GgufFormatError(`not a GGUF file (it starts with ${start}, not "GGUF")`);
    }
    if (bytesRead < 24) throw new GgufFormatError(`truncated GGUF header (${size} bytes)`);
    const version = buf.readUInt32LE(4);
    if (version !== 2 && version !== 3) {
      throw new GgufFormatError(`unsupported GGUF version ${version} (llama.cpp reads versions 2 and 3)`);
    }
    const tensors = buf.readBigUInt64LE(8);
    const metadata = buf.readBigUInt64LE(16);
    const needed = 24n + tensors * BigInt(MIN_TENSOR_INFO_BYTES) + metadata * BigInt(MIN_METADATA_BYTES);
    if (needed > BigInt(size)) {
      throw new GgufFormatError(
        `GGUF header claims ${tensors} tensors and ${metadata} metadata entries, more than a file of ${size} bytes can hold (truncated or corrupt)`,
      );
    }
    return { version, tensorCount: Number(tensors), metadataCount: Number(metadata), fileBytes: size };
  } finally {
    await fh.close();
  }
}
