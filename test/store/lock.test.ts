/**
 * One writer per DATA_DIR (src/store/lock.ts): a second writer gets a clear StoreLockedError, a
 * stale lock left by a killed process is taken over, and readers are never blocked.
 */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../src/store/lowdb.js";
import { StoreLockedError, lockDir } from "../../src/store/lock.js";
import { tempDirs } from "../support/temp.js";

const temp = tempDirs("lock");
const tempDir = temp.make;
afterEach(temp.cleanup);

describe("DATA_DIR lock", () => {
  it("holds the lock while a writer is open and releases it on close", async () => {
    const dir = await tempDir();
    const a = new LowdbStore(dir, { lock: true });
    await a.open();
    expect((await readFile(join(dir, ".lock"), "utf8")).trim()).toBe(String(process.pid));
    // A reader opens fine next to the writer.
    const reader = new LowdbStore(dir);
    await reader.open();
    expect(await reader.countReports()).toBe(0);
    await reader.close();
    await a.close();
    await expect(readFile(join(dir, ".lock"), "utf8")).rejects.toThrow();
  });

  it("refuses a second writer while the lock's process is alive", async () => {
    const dir = await tempDir();
    // A live process other than us: the parent of this test worker.
    await writeFile(join(dir, ".lock"), String(process.ppid));
    const b = new LowdbStore(dir, { lock: true });
    const err = await b.open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain(String(process.ppid));
    expect((err as Error).message).toContain(dir);
  });

  it("takes over a stale lock left by a process that no longer exists", async () => {
    const dir = await tempDir();
    // The pid of a process that has exited.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    await writeFile(join(dir, ".lock"), String(gone));
    const release = await lockDir(dir);
    expect((await readFile(join(dir, ".lock"), "utf8")).trim()).toBe(String(process.pid));
    await release();
  });
});
