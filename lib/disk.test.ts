import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { diskFullCause, diskFullError, diskOf, isDiskFull } from "./disk";

const errno = (code: string, errnoNum: number, p?: string) =>
  Object.assign(new Error(`${code}: no space left on device, write`), { code, errno: errnoNum, ...(p ? { path: p } : {}) });

const cfg = { dataRoot: "/srv/data", uploadsDir: "/srv/data/uploads", experimentsDir: "/big/experiments", modelsRoot: "/srv/data/models" };

describe("disk-full detection", () => {
  it("knows ENOSPC and EDQUOT from the file system, with the path the call named", () => {
    expect(diskFullCause(errno("ENOSPC", -28, "/srv/data/uploads/.incoming/x"))).toEqual({ source: "fs", path: "/srv/data/uploads/.incoming/x" });
    expect(diskFullCause(errno("EDQUOT", -122))).toEqual({ source: "fs" });
    // a thread's error crosses as a message only
    expect(isDiskFull(new Error("ENOSPC: no space left on device, open '/x/.0_1.wav.tmp'"))).toBe(true);
  });

  it("knows Postgres's full disk by SQLSTATE or wording, also wrapped as Prisma wraps driver errors", () => {
    const pg = Object.assign(new Error('could not extend file "base/16384/2619": No space left on device'), { code: "53100", severity: "ERROR" });
    expect(diskFullCause(pg)).toEqual({ source: "database" });
    const prismaLike = Object.assign(new Error("Invalid `prisma.job.create()` invocation: ..."), {
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: { driverAdapterError: { cause: { kind: "postgres", originalCode: "53100", originalMessage: "could not extend file" } } },
    });
    expect(diskFullCause(prismaLike)).toEqual({ source: "database" });
    const wrapped = new Error("outer", { cause: new Error('could not write to file "pg_wal/xlogtemp.1": No space left on device') });
    expect(diskFullCause(wrapped)).toEqual({ source: "database" });
  });

  it("leaves other errors alone, and does not loop on a cyclic cause", () => {
    expect(isDiskFull(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES", errno: -13 }))).toBe(false);
    expect(isDiskFull(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDiskFull(new ApiError(404, "experiment_not_found", "no"))).toBe(false);
    expect(isDiskFull(null)).toBe(false);
    const a = new Error("a") as Error & { cause?: unknown };
    a.cause = a;
    expect(isDiskFull(a)).toBe(false);
  });
});

describe("which disk", () => {
  it("is the most specific configured root holding the path", () => {
    expect(diskOf("/srv/data/uploads/.incoming/abc", cfg)).toBe("UPLOADS_DIR");
    expect(diskOf("/big/experiments/x/0_gt_wavs", cfg)).toBe("EXPERIMENTS_DIR");
    expect(diskOf("/srv/data/models/x/x.pth", cfg)).toBe("MODELS_ROOT");
    expect(diskOf("/srv/data/conversions/1/output.wav", cfg)).toBe("DATA_ROOT");
    expect(diskOf("/elsewhere", cfg)).toBe("DATA_ROOT");
  });
});

describe("the disk_full error", () => {
  it("is 507 disk_full, names the disk by its variable and what to do, and carries no path", () => {
    const e = diskFullError("UPLOADS_DIR", { needed: 5 * 1024 ** 2, free: 1024 ** 2, what: "this upload" });
    expect(e.status).toBe(507);
    expect(e.code).toBe("disk_full");
    expect(e.message).toBe(
      "The uploads disk (UPLOADS_DIR) is full: this upload needs about 5.0 MB and 1.0 MB are free; free space there (delete old experiments, models or conversions) or point UPLOADS_DIR at a larger disk, then retry",
    );
    expect(e.details).toEqual({ disk: "UPLOADS_DIR", needed: 5 * 1024 ** 2, free: 1024 ** 2 });
    const db = diskFullError("database");
    expect(db.message).toMatch(/^The database's disk \(Postgres\) is full; free space on the disk that holds Postgres's data/);
    expect(db.message).not.toMatch(/base\/|pg_wal/);
  });
});
