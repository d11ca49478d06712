import { describe, expect, it } from "vitest";
import { setupProblems, type SetupInput } from "./setup";

const present = (p: string) => ({ present: true, path: p });
const absent = (p: string) => ({ present: false, path: p });
const allThere: SetupInput["assets"] = {
  hubert: present("/a/hubert.onnx"),
  rmvpe: present("/a/rmvpe.onnx"),
  separation: present("/a/separation/UVR-MDX-NET-Voc_FT.onnx"),
  pretrained: { dir: "/a/pretrained_v2", files: [{ present: true }, { present: false }] },
};
const worker = (python: object) => ({ host: "gpu1", pid: 7, capabilities: { python } });

describe("setupProblems", () => {
  it("names only the separation model when it alone is missing", () => {
    const items = setupProblems({ assets: { ...allThere, separation: absent("/m/voc.onnx") }, workers: null });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ fix: "npm run assets" });
    expect(items[0]!.what).toContain("/m/voc.onnx");
  });

  it("is empty when the assets are there and every live worker has torch", () => {
    expect(setupProblems({ assets: allThere, workers: [worker({ executable: "/usr/bin/python3", torch: "2.1" })] })).toEqual([]);
  });

  it("names each missing asset with npm run assets, a missing worker, and a worker without torch with the apt-get line", () => {
    const items = setupProblems({
      assets: {
        hubert: absent("/a/hubert.onnx"),
        rmvpe: absent("/a/rmvpe.onnx"),
        separation: absent("/a/separation/UVR-MDX-NET-Voc_FT.onnx"),
        pretrained: { dir: "/a/pretrained_v2", files: [{ present: false }] },
      },
      workers: [worker({ executable: "python3", torch: null, source: "auto", passedOver: [{ executable: "python3", reason: "has no torch" }] })],
    });
    expect(items.map((i) => i.fix.split(",")[0])).toEqual([
      "npm run assets",
      "npm run assets",
      "npm run assets",
      "npm run assets",
      "sudo apt-get install -y --no-install-recommends python3-torch python3-numpy python3-scipy python3-soundfile python3-faiss python3-onnx",
    ]);
    expect(items[0]!.what).toContain("/a/hubert.onnx");
    expect(items[2]!.what).toContain("/a/separation/UVR-MDX-NET-Voc_FT.onnx");
    expect(items[2]!.what).toContain("isolate vocals");
    expect(items[4]!.what).toBe("The worker on gpu1 (pid 7) has no Python with PyTorch (tried python3: has no torch): training, index builds and model import fail.");
    expect(setupProblems({ assets: allThere, workers: [] })).toEqual([{ what: "No worker is running: jobs wait in the queue.", fix: "npm start (runs one), or npm run worker" }]);
    // the database could not be asked: no claim about workers
    expect(setupProblems({ assets: allThere, workers: null })).toEqual([]);
  });
});
