import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../lib/config";

const cwd = "/srv/studio";

describe("parseConfig", () => {
  it("fills every default from the architecture table", () => {
    const c = parseConfig({}, cwd);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataRoot).toBe("/srv/studio/data");
    expect(c.uploadsDir).toBe("/srv/studio/data/uploads");
    expect(c.experimentsDir).toBe("/srv/studio/data/experiments");
    expect(c.modelsRoot).toBe("/srv/studio/data/models");
    expect(c.assetsRoot).toBe("/srv/studio/assets");
    expect(c.hubertPath).toBe(path.join("/srv/studio/assets", "hubert", "vec-768-layer-12.onnx"));
    expect(c.rmvpePath).toBe(path.join("/srv/studio/assets", "rmvpe", "rmvpe.onnx"));
    expect(c.python).toBe("python3");
    expect(c.host).toBe("127.0.0.1");
    expect(c.port).toBe(3000);
  });

  it("derives the sub-folders from DATA_ROOT unless they are set", () => {
    const c = parseConfig({ DATA_ROOT: "/big", MODELS_ROOT: "models-elsewhere" }, cwd);
    expect(c.uploadsDir).toBe("/big/uploads");
    expect(c.modelsRoot).toBe("/srv/studio/models-elsewhere");
  });

  it.each([
    [{ PORT: "abc" }, /PORT must be a whole number from 1 to 65535 \(got "abc"\)/],
    [{ PORT: "70000" }, /PORT must be/],
    [{ DATABASE_URL: "mysql://x/y" }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_URL: "not a url" }, /DATABASE_URL must be/],
    [{ ALLOWED_HOSTS: "studio.example:3000" }, /ALLOWED_HOSTS must be a comma-separated list/],
    [{ TRUST_PROXY: "maybe" }, /TRUST_PROXY must be 1\/true\/yes or 0\/false\/no/],
    [{ START_WORKER: "later" }, /START_WORKER must be 1\/true\/yes or 0\/false\/no/],
    [{ SESSION_IDLE_HOURS: "0" }, /SESSION_IDLE_HOURS must be a whole number from 1/],
    [{ HOST: "0.0.0.0", STUDIO_PASSWORD: "short" }, /STUDIO_PASSWORD must be at least 8 characters/],
    [{ WORKER_HEARTBEAT_SECONDS: "0" }, /WORKER_HEARTBEAT_SECONDS must be a whole number from 1 to 300/],
    [{ WEBHOOK_RETRY_DELAY_SECONDS: "0" }, /WEBHOOK_RETRY_DELAY_SECONDS must be a whole number from 1 to 3600/],
    [{ WEBHOOK_RETRY_LIMIT: "21" }, /WEBHOOK_RETRY_LIMIT must be a whole number from 0 to 20/],
    [{ WEBHOOK_TIMEOUT_SECONDS: "1.5" }, /WEBHOOK_TIMEOUT_SECONDS must be a whole number from 1 to 120/],
  ])("rejects %o with one line naming the variable", (env, message) => {
    let error: unknown;
    try {
      parseConfig(env, cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("accepts a password when listening beyond loopback, and never echoes it", () => {
    expect(parseConfig({ HOST: "0.0.0.0", STUDIO_PASSWORD: "long enough" }, cwd).host).toBe("0.0.0.0");
    expect(() => parseConfig({ HOST: "0.0.0.0", STUDIO_PASSWORD: "secret1" }, cwd)).toThrow(/<hidden>/);
  });

  it("allows loopback names and HOST by default, or exactly ALLOWED_HOSTS", () => {
    expect(parseConfig({}, cwd).allowedHosts).toEqual(["localhost", "127.0.0.1", "[::1]"]);
    expect(parseConfig({ HOST: "0.0.0.0" }, cwd).allowedHosts).toEqual(["localhost", "127.0.0.1", "[::1]"]);
    expect(parseConfig({ HOST: "Studio.lan" }, cwd).allowedHosts).toEqual(["localhost", "127.0.0.1", "[::1]", "studio.lan"]);
    expect(parseConfig({ HOST: "fd00::5" }, cwd).allowedHosts).toContain("[fd00::5]");
    expect(parseConfig({ ALLOWED_HOSTS: " voice.example.org, 10.0.0.5 ,[::1]" }, cwd).allowedHosts).toEqual(["voice.example.org", "10.0.0.5", "[::1]"]);
    const c = parseConfig({ TRUST_PROXY: "1", SESSION_MAX_DAYS: "7", SESSION_IDLE_HOURS: "12" }, cwd);
    expect(c).toMatchObject({ trustProxy: true, sessionMaxDays: 7, sessionIdleHours: 12 });
    expect(parseConfig({}, cwd)).toMatchObject({ trustProxy: false, sessionMaxDays: 30, sessionIdleHours: 72 });
    // the launcher starts a worker unless told not to (containers run workers on their own)
    expect(parseConfig({}, cwd).startWorker).toBe(true);
    expect(parseConfig({ START_WORKER: "0" }, cwd).startWorker).toBe(false);
  });

  it("webhook delivery settings: 10 s timeout, 30 s first retry delay, 6 retries by default", () => {
    expect(parseConfig({}, cwd)).toMatchObject({ webhookTimeoutSeconds: 10, webhookRetryDelaySeconds: 30, webhookRetryLimit: 6 });
    expect(parseConfig({ WEBHOOK_TIMEOUT_SECONDS: "3", WEBHOOK_RETRY_DELAY_SECONDS: "1", WEBHOOK_RETRY_LIMIT: "0" }, cwd)).toMatchObject({
      webhookTimeoutSeconds: 3,
      webhookRetryDelaySeconds: 1,
      webhookRetryLimit: 0,
    });
  });

  it("separation model: path under ASSETS_ROOT by default, parameters as checked JSON", () => {
    const c = parseConfig({ ASSETS_ROOT: "/a" }, "/w");
    expect(c.separationModelPath).toBe("/a/separation/UVR-MDX-NET-Voc_FT.onnx");
    expect(c.separationModelParams).toEqual({});
    expect(parseConfig({ SEPARATION_MODEL_PATH: "m.onnx" }, "/w").separationModelPath).toBe("/w/m.onnx");
    expect(parseConfig({ SEPARATION_MODEL_PARAMS: '{"nFft":6144,"dimF":2048,"dimT":256,"primaryStem":"instrumental"}' }, "/w").separationModelParams).toEqual({
      nFft: 6144,
      dimF: 2048,
      dimT: 256,
      primaryStem: "instrumental",
    });
    for (const bad of ["{", "[1]", '{"nfft":1}', '{"dimF":"3072"}', '{"primaryStem":"drums"}']) {
      expect(() => parseConfig({ SEPARATION_MODEL_PARAMS: bad }, "/w")).toThrow(/SEPARATION_MODEL_PARAMS must be a JSON object/);
    }
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: " ", PORT: "" }, cwd)).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it("has upload limits with defaults, derived zip limit and size suffixes", () => {
    const c = parseConfig({}, cwd);
    expect(c.maxUploadBytes).toBe(4 * 1024 ** 3);
    expect(c.experimentQuotaBytes).toBe(50 * 1024 ** 3);
    expect(c.uploadExpiryHours).toBe(48);
    expect(c.zipMaxEntries).toBe(5000);
    expect(c.zipMaxUnpackedBytes).toBe(16 * 1024 ** 3);
    expect(c.ffmpegPath).toBeUndefined();
    const d = parseConfig(
      { MAX_UPLOAD_BYTES: "500M", EXPERIMENT_QUOTA_BYTES: "2GiB", UPLOAD_EXPIRY_HOURS: "6", ZIP_MAX_ENTRIES: "10", FFMPEG_PATH: "bin/ffmpeg" },
      cwd,
    );
    expect(d).toMatchObject({ maxUploadBytes: 500 * 1024 ** 2, experimentQuotaBytes: 2 * 1024 ** 3, uploadExpiryHours: 6, zipMaxEntries: 10 });
    expect(d.zipMaxUnpackedBytes).toBe(2000 * 1024 ** 2);
    expect(d.ffmpegPath).toBe("/srv/studio/bin/ffmpeg");
    expect(parseConfig({ FFMPEG_PATH: "ffmpeg" }, cwd).ffmpegPath).toBe("ffmpeg");
    expect(parseConfig({ MAX_UPLOAD_BYTES: "1048576" }, cwd).maxUploadBytes).toBe(1048576);
    expect(parseConfig({ MAX_UPLOAD_BYTES: "1.5k" }, cwd).maxUploadBytes).toBe(1536);
  });

  it.each([
    [{ MAX_UPLOAD_BYTES: "lots" }, /MAX_UPLOAD_BYTES must be a size from 1024 bytes/],
    [{ MAX_UPLOAD_BYTES: "12" }, /MAX_UPLOAD_BYTES must be a size/],
    [{ MAX_UPLOAD_BYTES: "-5M" }, /MAX_UPLOAD_BYTES must be a size/],
    [{ EXPERIMENT_QUOTA_BYTES: "5X" }, /EXPERIMENT_QUOTA_BYTES must be a size/],
    [{ UPLOAD_EXPIRY_HOURS: "0" }, /UPLOAD_EXPIRY_HOURS must be a whole number from 1 to 8760/],
    [{ ZIP_MAX_ENTRIES: "1e3" }, /ZIP_MAX_ENTRIES must be a whole number/],
    [{ ZIP_MAX_UNPACKED_BYTES: "1" }, /ZIP_MAX_UNPACKED_BYTES must be a size/],
  ])("rejects upload setting %o with one line", (env, message) => {
    expect(() => parseConfig(env, cwd)).toThrow(ConfigError);
    expect(() => parseConfig(env, cwd)).toThrow(message);
  });
});
