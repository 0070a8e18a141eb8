/** Temp directories and temp LowdbStores for tests (real files, removed afterwards). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LowdbStore } from "../../src/store/lowdb.js";

/** A temp-dir factory remembering what it made; `cleanup()` removes them all. */
export function tempDirs(prefix: string): { make(): Promise<string>; cleanup(): Promise<void> } {
  const dirs: string[] = [];
  return {
    async make() {
      const d = await mkdtemp(join(tmpdir(), `nianbao-${prefix}-`));
      dirs.push(d);
      return d;
    },
    async cleanup() {
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

/** A fresh, open LowdbStore in a temp dir; `cleanup` closes and removes it. */
export async function tempStore(prefix: string): Promise<{ store: LowdbStore; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `nianbao-${prefix}-`));
  const store = new LowdbStore(dir);
  await store.open();
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
