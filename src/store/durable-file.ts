/**
 * A lowdb Adapter that writes JSON durably: temp file → fsync → rename → fsync(dir). lowdb's own
 * JSONFile renames atomically but never fsyncs and shares one temp name between instances
 * (../shared/PITFALLS.md). Writes are serialised per adapter; a burst of writes coalesces into
 * the latest state.
 *
 * On read, a file that is not valid JSON is moved aside to `<file>.corrupt-<time>` and a
 * StoreCorruptError names both paths: the process refuses to start on a corrupt store rather than
 * silently starting empty.
 */
import { mkdir, open, readFile, rename, copyFile, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import type { Adapter } from "lowdb";
import { StoreCorruptError } from "./types.js";

let tmpCounter = 0;

export class DurableJSONFile<T> implements Adapter<T> {
  private chain: Promise<void> = Promise.resolve();
  private pending: T | undefined;
  private hasPending = false;

  /**
   * @param validate optional shape check run on read; a string return value is the reason the
   *   file counts as corrupt (valid JSON of the wrong shape must not start an empty store either).
   * @param serialize optional serialiser (e.g. one that reuses cached JSON of unchanged records:
   *   re-stringifying a large file on every write is what makes lowdb slow, PITFALLS.md).
   */
  constructor(
    public readonly file: string,
    private readonly pretty = false,
    private readonly validate?: (data: unknown) => string | null,
    private readonly serialize?: (data: T) => string | Uint8Array,
    /** Called once the bytes of the last serialize() call are durable (renamed and fsync'd). */
    private readonly onDurable?: () => void,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    // Only a missing file is a new store. Writes go through temp + rename, so an existing file
    // that is empty (0 bytes, or only whitespace) was damaged: refuse it like a truncated one.
    if (text.trim() === "") throw await this.corrupt(text.length ? "only whitespace / 只有空白" : "empty file (0 bytes) / 空文件（0 字节）");
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw await this.corrupt((e as Error).message);
    }
    const problem = this.validate?.(data) ?? null;
    if (problem) throw await this.corrupt(problem);
    return data as T;
  }

  /** Keeps a copy of the bad file and builds the error naming both paths. */
  private async corrupt(reason: string): Promise<StoreCorruptError> {
    const backup = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await copyFile(this.file, backup);
    return new StoreCorruptError(this.file, backup, reason);
  }

  /** Resolves once `data` (or a later state) is durably on disk. */
  write(data: T): Promise<void> {
    this.pending = data;
    this.hasPending = true;
    const run = async () => {
      if (!this.hasPending) return;
      const snapshot = this.pending as T;
      this.hasPending = false;
      await this.writeNow(snapshot);
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  private async writeNow(data: T): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${++tmpCounter}.tmp`);
    const text = this.serialize ? this.serialize(data) : this.pretty ? JSON.stringify(data, null, 2) : JSON.stringify(data);
    try {
      const fh = await open(tmp, "w");
      try {
        await (typeof text === "string" ? fh.writeFile(text, "utf8") : fh.writeFile(text));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (e) {
      // Do not leave half-written temp files behind (disk full, permissions).
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fsyncDir(dir);
    this.onDurable?.();
  }
}

/** fsync a directory so a rename in it survives power loss (best effort). */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const dh = await open(dir, "r");
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // fsync on a directory is not supported everywhere; the rename itself is still atomic.
  }
}
