// Speed of the extract model side on this machine: audio seconds per wall second for the RMVPE log-mel front end,
// RMVPE (front end + model + decoding) and content features, on espeak-ng speech (or the synthetic voice).
//   node --import tsx worker/extract/bench.ts [SECONDS] [CONTENT_MODEL] [RMVPE_MODEL]
// Without model paths it makes the tiny stand-in models (tests/helpers/tiny-models.ts).
import { tinyModels } from "../../tests/helpers/tiny-models";
import { disposeSessions, getSession } from "../onnx/session";
import { contentFeatures } from "./content";
import { logMel } from "./mel";
import { rmvpeF0 } from "./rmvpe";
import { testSpeech } from "./test-audio";

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 60);
  let contentPath = process.argv[3];
  let rmvpePath = process.argv[4];
  if (!contentPath || !rmvpePath) {
    const tiny = tinyModels();
    if (!tiny.ok) throw new Error(`no model paths given and tiny models unavailable: ${tiny.reason}`);
    contentPath ??= tiny.content768;
    rmvpePath ??= tiny.rmvpe;
  }
  const { audio: speech, source } = testSpeech();
  const n = Math.round(seconds * 16000);
  const audio = new Float32Array(n);
  for (let i = 0; i < n; i += speech.length) audio.set(speech.subarray(0, Math.min(speech.length, n - i)), i);

  const content = await getSession(contentPath, { envVar: "HUBERT_PATH" });
  const rmvpe = await getSession(rmvpePath, { envVar: "RMVPE_PATH" });
  const time = async (label: string, f: () => unknown): Promise<number> => {
    const t0 = performance.now();
    await f();
    const s = (performance.now() - t0) / 1000;
    console.log(`${label.padEnd(28)} ${(seconds / s).toFixed(1).padStart(8)} audio s / s  (${s.toFixed(2)} s)`);
    return s;
  };
  console.log(`${seconds} s of ${source} audio; content on ${content.provider}, rmvpe on ${rmvpe.provider}`);
  await rmvpeF0(rmvpe, audio.subarray(0, 16000)); // warm-up
  await contentFeatures(content, audio.subarray(0, 16000));
  await time("log-mel front end", () => logMel(audio));
  const a = await time("rmvpe (mel+model+decode)", () => rmvpeF0(rmvpe, audio));
  const b = await time("content features", () => contentFeatures(content, audio));
  console.log(`${"content + rmvpe".padEnd(28)} ${(seconds / (a + b)).toFixed(1).padStart(8)} audio s / s`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  await disposeSessions();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
