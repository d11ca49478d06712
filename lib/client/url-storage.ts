/**
 * Where a tus upload's URL is remembered so that an interrupted upload continues where it stopped: one JSON file
 * (default `~/.config/voice-studio/uploads.json`), written whole through a temp file and a rename. Node only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PreviousUpload, UrlStorage } from "tus-js-client";

export function defaultUploadStoragePath(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "voice-studio", "uploads.json");
}

type Stored = PreviousUpload & { urlStorageKey?: string };

export class FileUrlStorage implements UrlStorage {
  constructor(readonly file: string = defaultUploadStoragePath()) {}

  private read(): Record<string, Stored> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw err;
    }
    try {
      const data = JSON.parse(text) as unknown;
      return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, Stored>) : {};
    } catch {
      // a damaged file only costs the resume points, never the upload
      return {};
    }
  }

  private write(data: Record<string, Stored>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 1), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  private find(prefix: string): PreviousUpload[] {
    return Object.entries(this.read())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => ({ ...value, urlStorageKey: key }));
  }

  async findAllUploads(): Promise<PreviousUpload[]> {
    return this.find("tus::");
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return this.find(`tus::${fingerprint}::`);
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    const data = this.read();
    if (!(urlStorageKey in data)) return;
    delete data[urlStorageKey];
    this.write(data);
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const data = this.read();
    const key = `tus::${fingerprint}::${crypto.randomUUID()}`;
    data[key] = upload;
    this.write(data);
    return key;
  }
}
