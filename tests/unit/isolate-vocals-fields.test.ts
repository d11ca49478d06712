/** The settings form's "Vocal isolation" box: the switch, the missing model named where it is offered, the bulk offer. */
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {}, replace() {} }) }));
const { IsolateVocalsFields } = await import("../../components/IsolateVocalsFields");
const { ToastProvider } = await import("../../components/ui/Toasts");

const MISSING = "The vocal separation model is missing: /assets/separation/UVR-MDX-NET-Voc_FT.onnx (SEPARATION_MODEL_PATH) does not exist. Run `npm run assets`";

function render(props: Partial<Parameters<typeof IsolateVocalsFields>[0]>) {
  const all = { experiment: "songs", value: false, saved: false, onChange: () => {}, filesToSeparate: 0, modelMissing: null, ...props };
  return renderToStaticMarkup(h(ToastProvider, null, h(IsolateVocalsFields, all)));
}
const box = (html: string) => /<input[^>]*name="isolateVocals"[^>]*>/.exec(html)?.[0] ?? "";

describe("IsolateVocalsFields", () => {
  it("without the model: the switch cannot be turned on, and the box names the file and the fix", () => {
    const html = render({ modelMissing: MISSING });
    expect(box(html)).toContain('disabled=""');
    expect(html).toContain("/assets/separation/UVR-MDX-NET-Voc_FT.onnx");
    expect(html).toContain("npm run assets");
  });

  it("without the model a switch that is on can still be turned off; the bulk offer is shown but disabled", () => {
    const html = render({ modelMissing: MISSING, value: true, saved: true, filesToSeparate: 2 });
    expect(box(html)).not.toContain('disabled=""');
    expect(box(html)).toContain('checked=""');
    expect(html).toMatch(/<button[^>]*\sdisabled=""[^>]*>Isolate vocals in 2 files<\/button>/);
  });

  it("offers the files from before only once the switch is saved on, and only when there are any", () => {
    expect(render({ value: true, saved: true, filesToSeparate: 1 })).toContain("Isolate vocals in 1 file<");
    expect(render({ value: true, saved: true, filesToSeparate: 3 })).toContain("Isolate vocals in 3 files<");
    expect(render({ value: true, saved: false, filesToSeparate: 3 })).not.toContain("Isolate vocals in");
    expect(render({ value: true, saved: true, filesToSeparate: 0 })).not.toContain("Isolate vocals in");
    expect(render({ value: true, saved: true, filesToSeparate: 3, disabled: true })).not.toContain("Isolate vocals in");
    const on = render({ value: false });
    expect(box(on)).not.toContain('disabled=""');
    expect(on).toContain("each upload is split into vocals and accompaniment");
  });
});
