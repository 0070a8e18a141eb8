/**
 * One writer per DATA_DIR: lowdb keeps the whole state in memory and rewrites the file, so two
 * processes writing one directory silently lose each other's updates (../shared/PITFALLS.md).
 * Writers (the bot + watcher, `poll`, `backfill`, `reparse`) take `DATA_DIR/.lock` holding their
 * pid; a lock whose process is gone (a crash, a kill) is taken over. Readers (`reports`, `export`,
 * `history`) need no lock: they never write.
 */
import { open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export class StoreLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly pid: number,
  ) {
    super(`数据目录 ${dir} 正被进程 ${pid} 使用（例如正在运行的 npm start）；请先停止它，或改用其他 DATA_DIR。/ DATA_DIR is in use by process ${pid}.`);
    this.name = "StoreLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock of `dir` for this process; returns its release function. */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, ".lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, "wx");
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        // Only remove a lock that is still ours.
        const held = Number((await readFile(file, "utf8").catch(() => "")).trim());
        if (held === process.pid) await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new StoreLockedError(dir, pid);
    // Stale (its process is gone) or unreadable: take it over.
    await writeFile(file, String(process.pid)).catch(() => undefined);
    await rm(file, { force: true });
  }
  throw new Error(`cannot take the lock ${file}`);
}
