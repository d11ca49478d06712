/** Audio formats for the whole app: what we accept, probing an upload, decoding for the worker. */
export * from "./formats";
export { ffmpegBinary, FfmpegMissingError } from "./ffmpeg";
export { AudioRejected, probeAudio, looksTruncated, type AudioProbe, type AudioProblem } from "./probe";
export { decodeAudio, decodeAudioBlocks, decodeMono, decodeMonoBlocks, type DecodedAudio } from "./decode";
export { StatsAccumulator, type AudioStats } from "./stats";
