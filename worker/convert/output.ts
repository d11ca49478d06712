/**
 * Where converted audio goes while a conversion runs: each segment is appended to a raw float32 scratch file (so a
 * long conversion does not hold its output in memory) while its loudness envelope is accumulated; `finish` applies
 * the RMS mix and upstream's int16 rule (peak above 0.99 is scaled to 0.99, then ×32768) and writes a 16-bit PCM
 * WAV atomically.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { BlockEnergy, rmsMixGain } from "./plan";

const BLOCK = 1 << 16;

export function wavHeaderPcm16(samples: number, sampleRate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + samples * 2, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(samples * 2, 40);
  return h;
}

export class ConvertedAudio {
  readonly energy: BlockEnergy;
  private handle: fs.FileHandle | null = null;
  private written = 0;

  constructor(
    readonly sampleRate: number,
    private readonly scratch: string,
  ) {
    // librosa's frame tgt_sr//2·2 with hop tgt_sr//2 (§9.2 step 9)
    this.energy = new BlockEnergy(Math.floor(sampleRate / 2));
  }

  get samples(): number {
    return this.written;
  }

  async push(x: Float32Array): Promise<void> {
    this.handle ??= await fs.open(this.scratch, "w+");
    this.energy.push(x);
    const bytes = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    await this.handle.write(bytes, 0, bytes.length, this.written * 4);
    this.written += x.length;
  }

  /** Read the scratch file block by block: calls fn(block, offset of its first sample). */
  private async eachBlock(fn: (block: Float32Array, offset: number) => void | Promise<void>): Promise<void> {
    const buf = Buffer.alloc(BLOCK * 4);
    for (let off = 0; off < this.written; off += BLOCK) {
      const n = Math.min(BLOCK, this.written - off);
      await this.handle!.read(buf, 0, n * 4, off * 4);
      await fn(new Float32Array(buf.buffer, buf.byteOffset, n).slice(), off);
    }
  }

  /**
   * Write the final WAV to `file` (temp name, then rename). `rmsIn` is the input's envelope (hop 8000 at 16 kHz);
   * rate 1 leaves the loudness alone. Returns the peak before int16 conversion.
   */
  async finish(file: string, rmsIn: Float64Array, rate: number): Promise<{ samples: number; peak: number }> {
    this.handle ??= await fs.open(this.scratch, "w+");
    const n = this.written;
    const rmsOut = this.energy.rms();
    const gainOf = rate === 1 ? null : (i: number) => rmsMixGain(rmsIn, rmsOut, n, i, rate);
    let peak = 0;
    await this.eachBlock((b, off) => {
      for (let i = 0; i < b.length; i++) peak = Math.max(peak, Math.abs(gainOf ? b[i]! * gainOf(off + i) : b[i]!));
    });
    const scale = peak > 0.99 ? 0.99 / peak : 1;
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    const out = await fs.open(tmp, "w");
    try {
      await out.write(wavHeaderPcm16(n, this.sampleRate), 0, 44, 0);
      await this.eachBlock(async (b, off) => {
        const pcm = Buffer.alloc(b.length * 2);
        for (let i = 0; i < b.length; i++) {
          const v = Math.trunc((gainOf ? b[i]! * gainOf(off + i) : b[i]!) * scale * 32768);
          pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Number.isFinite(v) ? v : 0)), 2 * i);
        }
        await out.write(pcm, 0, pcm.length, 44 + off * 2);
      });
      await out.sync();
    } finally {
      await out.close();
    }
    await fs.rename(tmp, file);
    return { samples: n, peak };
  }

  async dispose(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await fs.rm(this.scratch, { force: true });
  }
}
