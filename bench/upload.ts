/**
 * bench/upload (not a test): a 500 MB WAV through the tus endpoint of a real `next start` over loopback, compared
 * with copying the same file on the same disk (fs.copyFile, what `cp` does). Prints throughputs and ratios:
 *   transfer   one PATCH of the whole file, without the finish step (declared length +1 so it never finishes)
 *   full       8 MiB PATCHes like the browser, including the finish step (ffmpeg probe + sha256 + link + row)
 * Usage: npx next build && node --import tsx bench/upload.ts [MB]   (DATABASE_URL: a server to create a DB on)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { migrate } from "../lib/migrate";
import { setupQueues } from "../lib/queue";
import { pcmWavOfSize } from "../tests/helpers/audio-fixtures";
import { createDatabase, testServer } from "../tests/helpers/database";
import { createPrisma } from "../lib/db";
import { createUser } from "../lib/auth/users";
import { createToken } from "../lib/auth/api-tokens";
import { create, patch } from "../tests/helpers/tus";
import { startWeb } from "../tests/helpers/web";

const MB = Number(process.argv[2] ?? 500);
const size = MB * 1000 * 1000 + 44 - ((MB * 1000 * 1000) % 2);
const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench");
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-upload-"));
const results: string[] = [];
let web: Awaited<ReturnType<typeof startWeb>> | undefined;
try {
  await migrate(database.url);
  await setupQueues(database.url);
  // the tus helpers send TEST_TOKEN; make one in the bench database
  const prisma = createPrisma(database.url, 1);
  const u = await createUser({ name: "bench", password: "bench-password", role: "admin" }, prisma);
  process.env.TEST_TOKEN = (await createToken(u.id, { name: "bench", scope: "write" }, prisma)).secret;
  await prisma.$disconnect();
  web = await startWeb({ DATABASE_URL: database.url, DATA_ROOT: dataRoot, MAX_UPLOAD_BYTES: "2G", EXPERIMENT_QUOTA_BYTES: "10G" });
  const res = await fetch(`${web.url}/api/experiments`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${process.env.TEST_TOKEN}` }, body: JSON.stringify({ name: "bench" }) });
  if (res.status !== 201) throw new Error(`create experiment: ${res.status}`);

  const src = path.join(dataRoot, "source.wav");
  process.stdout.write(`writing a ${MB} MB WAV in ${dataRoot} … `);
  pcmWavOfSize(src, size, 3);
  console.log("done");
  const mbps = (ms: number) => size / 1e6 / (ms / 1000);

  // baseline: copy on the same disk (twice, keep the faster, like the uploads below)
  let copyMs = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    fs.copyFileSync(src, path.join(dataRoot, "copy.wav"));
    copyMs = Math.min(copyMs, performance.now() - t);
    fs.rmSync(path.join(dataRoot, "copy.wav"));
  }

  // transfer only: a single PATCH streaming the file
  let transferMs = Infinity;
  for (let i = 0; i < 2; i++) {
    const c = await create(web.url, { experiment: "bench", filename: `t${i}.wav` }, size + 1);
    const t = performance.now();
    const r = await patch(c.location!, 0, Readable.toWeb(fs.createReadStream(src, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>);
    if (r.status !== 204) throw new Error(`PATCH ${r.status} ${r.text}`);
    console.log(`transfer ${i + 1}: ${mbps(performance.now() - t).toFixed(0)} MB/s`);
    transferMs = Math.min(transferMs, performance.now() - t);
    await fetch(c.location!, { method: "DELETE", headers: { "Tus-Resumable": "1.0.0", authorization: `Bearer ${process.env.TEST_TOKEN}` } });
  }

  // full: 8 MiB chunks like the browser, then the finish step
  const chunk = 8 * 1024 * 1024;
  const c = await create(web.url, { experiment: "bench", filename: "full.wav" }, size);
  const fd = fs.openSync(src, "r");
  const t0 = performance.now();
  let finishMs = 0;
  for (let off = 0; off < size; off += chunk) {
    const len = Math.min(chunk, size - off);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, off);
    const tc = performance.now();
    const r = await patch(c.location!, off, buf);
    if (off + len >= size) {
      finishMs = performance.now() - tc;
      if (r.status !== 200) throw new Error(`last PATCH ${r.status} ${r.text}`);
    } else if (r.status !== 204) throw new Error(`PATCH ${r.status} ${r.text}`);
  }
  const fullMs = performance.now() - t0;
  fs.closeSync(fd);

  results.push(
    `file: ${MB} MB WAV (${size} bytes), loopback, same disk (${dataRoot})`,
    `copy (fs.copyFile):            ${mbps(copyMs).toFixed(0)} MB/s`,
    `tus transfer (1 PATCH):        ${mbps(transferMs).toFixed(0)} MB/s = ${(copyMs / transferMs).toFixed(2)} × copy`,
    `tus full (8 MiB chunks+finish): ${mbps(fullMs).toFixed(0)} MB/s = ${(copyMs / fullMs).toFixed(2)} × copy (last chunk + finish step ${(finishMs / 1000).toFixed(1)} s)`,
  );
  console.log(results.join("\n"));
} catch (err) {
  console.error(String(err), (err as Error).cause ?? "", "\n--- web server output ---\n" + (web?.output() ?? ""));
  process.exitCode = 1;
} finally {
  await web?.stop();
  await database.drop();
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
