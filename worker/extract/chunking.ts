// Bounded, overlapping chunks over a sequence of model frames. Each chunk's model input covers its "core" frames
// plus up to `context` frames on each side; only the core frames of its output are kept. Cores tile [0, total)
// exactly once, in order. Starts are multiples of `align`, so block-structured models (RMVPE's 32-frame U-Net) see
// the same block phase as in a whole-file run.

export interface FrameChunk {
  /** model-input frame range (context included) */
  inStart: number;
  inEnd: number;
  /** the frames this chunk contributes */
  coreStart: number;
  coreEnd: number;
}

export interface ChunkPlanOptions {
  /** most frames one model call may see; a sequence that fits is one chunk (exactly the whole-file run) */
  maxFrames: number;
  /** frames of context on each side of a core */
  context: number;
  /** chunk starts and core sizes are multiples of this */
  align?: number;
}

export function planChunks(total: number, { maxFrames, context, align = 1 }: ChunkPlanOptions): FrameChunk[] {
  if (!(total >= 0)) throw new Error(`bad frame count ${total}`);
  if (total === 0) return [];
  if (Math.ceil(total / align) * align <= maxFrames) return [{ inStart: 0, inEnd: total, coreStart: 0, coreEnd: total }];
  const ctx = Math.ceil(context / align) * align;
  const core = Math.floor((maxFrames - 2 * ctx) / align) * align;
  if (core <= 0) throw new Error(`chunk of ${maxFrames} frames leaves no room beside ${ctx} frames of context on each side`);
  const chunks: FrameChunk[] = [];
  for (let coreStart = 0; coreStart < total; coreStart += core) {
    const coreEnd = Math.min(total, coreStart + core);
    chunks.push({ inStart: Math.max(0, coreStart - ctx), inEnd: Math.min(total, coreEnd + ctx), coreStart, coreEnd });
  }
  return chunks;
}
