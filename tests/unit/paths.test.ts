import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config";
import { assertSafeSegment, createPaths, featureDirName, PathError, RVC_SUBDIRS, within } from "../../lib/paths";

const p = createPaths(parseConfig({ DATA_ROOT: "/data", ASSETS_ROOT: "/assets" }, "/app"));

describe("paths", () => {
  it("builds the RVC layout under EXPERIMENTS_DIR with upstream's exact names", () => {
    expect(p.experimentDir("alice")).toBe("/data/experiments/alice");
    expect(p.experimentSubdir("alice", "gtWavs")).toBe("/data/experiments/alice/0_gt_wavs");
    expect(p.experimentSubdir("alice", "wavs16k")).toBe("/data/experiments/alice/1_16k_wavs");
    expect(p.experimentSubdir("alice", "f0")).toBe("/data/experiments/alice/2a_f0");
    expect(p.experimentSubdir("alice", "f0nsf")).toBe("/data/experiments/alice/2b-f0nsf");
    expect(p.featureDir("alice", "v2")).toBe("/data/experiments/alice/3_feature768");
    expect(featureDirName("v1")).toBe("3_feature256");
    expect(Object.keys(RVC_SUBDIRS)).toHaveLength(4);
  });

  it("puts uploads, models and the embedded database in their own trees", () => {
    expect(p.experimentUploads("alice")).toBe("/data/uploads/alice");
    expect(p.uploadsIncoming()).toBe("/data/uploads/.incoming");
    expect(p.modelFile("alice", "alice.pth")).toBe("/data/models/alice/alice.pth");
    expect(p.postgresDir()).toBe("/data/postgres");
    expect(p.pretrainedV2("f0G40k.pth")).toBe("/assets/pretrained_v2/f0G40k.pth");
  });

  it.each(["..", ".", "", "a/b", "../etc", "a\\b", "x\0y"])("refuses the name %j", (name) => {
    expect(() => p.experimentDir(name)).toThrow(PathError);
    expect(() => p.modelDir(name)).toThrow(PathError);
    expect(() => p.uploadFile("alice", name)).toThrow(PathError);
  });

  it("refuses joined paths that leave their root", () => {
    expect(() => within("/data", "..", "etc", "passwd")).toThrow(/leaves \/data/);
    expect(() => within("/data", "/etc/passwd")).toThrow(PathError);
    expect(() => within("/data", "a/../../b")).toThrow(PathError);
    expect(() => within("/data", ".")).toThrow(PathError);
    expect(within("/data", "a/../b")).toBe("/data/b");
  });

  it("never allows writing under ASSETS_ROOT, and nothing outside DATA_ROOT", () => {
    expect(() => p.assertWritable("/assets/hubert/x.onnx")).toThrow(/ASSETS_ROOT is read-only/);
    expect(() => p.assertWritable("/tmp/x")).toThrow(/outside DATA_ROOT/);
    expect(p.assertWritable("/data/models/alice/alice.pth")).toBe("/data/models/alice/alice.pth");
  });

  it("refuses ASSETS_ROOT inside DATA_ROOT for writes too", () => {
    const nested = createPaths(parseConfig({ DATA_ROOT: "/d", ASSETS_ROOT: "/d/assets" }, "/"));
    expect(() => nested.assertWritable("/d/assets/x")).toThrow(/read-only/);
    expect(assertSafeSegment("ok-name_1")).toBe("ok-name_1");
  });
});
