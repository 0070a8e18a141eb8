/**
 * The outbox as an append-only JSONL journal (`outbox.jsonl`), so a status change costs one short
 * appended line instead of rewriting state.json (≈ 97 ms per write with 6,100 rows; the sender
 * writes twice per alert — claim and mark — so that rewrite capped fan-out at ≈ 20 msg/s).
 *
 * Lines (one JSON object each, written whole and fsync'd before the caller's promise resolves):
 * - `{"i":row}`                  insert a row (also what compaction writes, in queue order)
 * - `{"k":key,"p":patch,"u":[…]}` patch a row; `u` lists fields set to undefined (JSON drops them)
 * - `{"k":old,"r":new,"p":…}`     re-key a row in place (group → supergroup migration)
 *
 * Concurrent appends share one write + fsync (group commit). Replay on open applies the lines in
 * order; a line that does not parse is a torn write from a crash (it was never acknowledged) and
 * is skipped — a later append first ends it with a newline so it never glues onto a good line.
 * When the journal holds many more lines than live rows (or rows were pruned) it is rewritten
 * via temp file + fsync + rename, so a crash leaves either the old or the new journal.
 */
import { fsyncDir } from "./durable-file.js";
import { mkdir, open, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { OutboxItem } from "./types.js";

type Line = { i: OutboxItem } | { k: string; p?: Record<string, unknown>; u?: string[]; r?: string };

/** When the journal is rewritten: at least `minLines` lines and more than `factor` × live rows. */
export interface CompactionPolicy {
  minLines: number;
  factor: number;
}

/**
 * Default policy: an alert costs ≈ 3 lines (insert, claim, mark), so a journal is rewritten
 * about once per 1–2 fan-outs' worth of sends, never on every write.
 */
export const DEFAULT_COMPACTION: CompactionPolicy = { minLines: 1000, factor: 4 };

let tmpCounter = 0;

/** Result of replaying a journal file. */
export interface Replay {
  rows: OutboxItem[];
  lines: number;
  /** Lines skipped as torn (a crash mid-append). */
  torn: number;
  /** True when the file does not end with a newline (a torn last line). */
  openTail: boolean;
}

/** Applies one patch to a row in place (undefined fields are deleted, like JSON would). */
export function applyPatch(row: OutboxItem, patch: Record<string, unknown>, unset: readonly string[] = []): void {
  const target = row as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (k === "key") continue;
    if (v === undefined) delete target[k];
    else target[k] = v;
  }
  for (const k of unset) if (k !== "key") delete target[k];
}

/** Parses journal text into the live rows, in queue order (pure). */
export function replayJournal(text: string): Replay {
  // Queue order is the order rows were first inserted; a re-key keeps the row's place.
  const order: OutboxItem[] = [];
  const byKey = new Map<string, OutboxItem>();
  let lines = 0;
  let torn = 0;
  const openTail = text.length > 0 && !text.endsWith("\n");
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let l: Line;
    try {
      l = JSON.parse(raw) as Line;
    } catch {
      torn++;
      continue;
    }
    if (typeof l !== "object" || l === null || Array.isArray(l)) {
      torn++;
      continue;
    }
    lines++;
    if ("i" in l) {
      const row = l.i;
      if (!row || typeof row.key !== "string") continue;
      const prev = byKey.get(row.key);
      if (prev) {
        // Same key inserted again (a legacy merge): the later copy wins, in the first one's place.
        for (const k of Object.keys(prev)) delete (prev as unknown as Record<string, unknown>)[k];
        Object.assign(prev, row);
      } else {
        byKey.set(row.key, row);
        order.push(row);
      }
      continue;
    }
    const row = typeof l.k === "string" ? byKey.get(l.k) : undefined;
    if (!row) continue;
    if (typeof l.r === "string" && l.r !== l.k) {
      byKey.delete(l.k);
      row.key = l.r;
      byKey.set(l.r, row);
    }
    if (l.p || l.u) applyPatch(row, l.p ?? {}, l.u ?? []);
  }
  return { rows: order, lines, torn, openTail };
}

/** Rows of the journal in memory plus the appender. One instance per file per process. */
export class OutboxJournal {
  /** Live rows in queue order (oldest first). */
  rows: OutboxItem[] = [];
  readonly index = new Map<string, OutboxItem>();
  private lines = 0;
  private queue: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private compactWanted = false;
  private flushing: Promise<void> | null = null;
  private fh: FileHandle | null = null;
  private needsNewline = false;
  /** The directory entry of a newly created journal must be fsync'd once too. */
  private dirSynced = false;

  constructor(
    public readonly file: string,
    private readonly policy: CompactionPolicy = DEFAULT_COMPACTION,
  ) {}

  /** Reads and replays the journal (a missing file is an empty outbox). */
  async load(): Promise<Replay> {
    let text = "";
    try {
      text = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const rep = replayJournal(text);
    this.setRows(rep.rows);
    this.lines = rep.lines;
    this.needsNewline = rep.openTail;
    return rep;
  }

  private setRows(rows: OutboxItem[]): void {
    this.rows = rows;
    this.index.clear();
    for (const r of rows) this.index.set(r.key, r);
  }

  /**
   * Takes over rows from an older state.json: the journal's own copy of a key wins (it is
   * newer), legacy rows keep their place first; the merged outbox is written as a new journal.
   */
  adopt(legacy: readonly OutboxItem[]): Promise<void> {
    const merged = [...legacy];
    const at = new Map(merged.map((r, i) => [r.key, i]));
    for (const r of this.rows) {
      const i = at.get(r.key);
      if (i === undefined) merged.push(r);
      else merged[i] = r;
    }
    this.setRows(merged);
    return this.compact();
  }

  /** Adds a row in memory and journals it. */
  insert(row: OutboxItem): Promise<void> {
    this.rows.push(row);
    this.index.set(row.key, row);
    return this.append({ i: row });
  }

  /** Patches a row in memory and journals the patch (the patch must already be a private copy). */
  patch(key: string, patch: Record<string, unknown>): Promise<void> {
    const row = this.index.get(key);
    if (!row) return Promise.reject(new Error(`outbox item not found: ${key}`));
    const { key: _k, ...rest } = patch;
    const unset = Object.keys(rest).filter((k) => rest[k] === undefined);
    applyPatch(row, rest);
    return this.append(unset.length ? { k: key, p: rest, u: unset } : { k: key, p: rest });
  }

  /** Renames a row's key in place (and patches it), journalled as one line. */
  rekey(from: string, to: string, patch: Record<string, unknown>): Promise<void> {
    const row = this.index.get(from);
    if (!row) return Promise.reject(new Error(`outbox item not found: ${from}`));
    this.index.delete(from);
    row.key = to;
    applyPatch(row, patch);
    this.index.set(to, row);
    return this.append({ k: from, r: to, p: patch });
  }

  /** Drops rows in memory; the journal is rewritten (a plain append cannot forget rows). */
  remove(keep: (r: OutboxItem) => boolean): Promise<void> | null {
    const kept = this.rows.filter(keep);
    if (kept.length === this.rows.length) return null;
    this.setRows(kept);
    return this.compact();
  }

  /** Rewrites the journal as one insert line per live row. Resolves when durable. */
  compact(): Promise<void> {
    this.compactWanted = true;
    return this.enqueueWait();
  }

  private append(line: Line): Promise<void> {
    this.queue.push(JSON.stringify(line));
    return this.enqueueWait();
  }

  private enqueueWait(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.kick();
    return p;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.waiters.length) this.kick();
    });
  }

  /** Group commit: everything queued while one fsync runs goes out with the next. */
  private async flushLoop(): Promise<void> {
    while (this.waiters.length) {
      const waiters = this.waiters;
      const lines = this.queue;
      this.waiters = [];
      this.queue = [];
      // Memory already reflects every queued line, so a rewrite taken now covers them too.
      const total = this.lines + lines.length;
      const rewrite = this.compactWanted || (total >= this.policy.minLines && total > this.policy.factor * this.rows.length);
      this.compactWanted = false;
      try {
        if (rewrite) await this.rewrite();
        else await this.writeLines(lines);
        for (const w of waiters) w.resolve();
      } catch (e) {
        // A failed write may have left part of a line: start the next one on a fresh line.
        this.needsNewline = true;
        for (const w of waiters) w.reject(e);
      }
    }
  }

  private async writeLines(lines: string[]): Promise<void> {
    if (!lines.length) return;
    if (!this.fh) {
      await mkdir(dirname(this.file), { recursive: true });
      this.fh = await open(this.file, "a");
    }
    const text = `${this.needsNewline ? "\n" : ""}${lines.join("\n")}\n`;
    await this.fh.write(text, null, "utf8");
    await this.fh.datasync();
    if (!this.dirSynced) {
      await fsyncDir(dirname(this.file));
      this.dirSynced = true;
    }
    this.needsNewline = false;
    this.lines += lines.length;
  }

  private async rewrite(): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true });
    const snapshot = this.rows.map((r) => JSON.stringify({ i: r }));
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${++tmpCounter}.tmp`);
    try {
      const fh = await open(tmp, "w");
      try {
        await fh.writeFile(snapshot.length ? `${snapshot.join("\n")}\n` : "", "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.closeHandle();
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fsyncDir(dir);
    this.lines = snapshot.length;
    this.needsNewline = false;
  }

  private async closeHandle(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    await this.closeHandle();
  }
}

