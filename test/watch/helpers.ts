/** Shared setup of watcher tests: a temp store, a fast real fetcher, a fixed clock, a quiet log. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LowdbStore } from "../../src/store/lowdb.js";
import { HttpFetcher } from "../../src/watch/fetcher.js";
import type { CycleConfig, Log } from "../../src/watch/cycle.js";

/** Config for tests: peak season hourly, alert after 2 failures. */
export const testConfig: CycleConfig = {
  TZ: "Asia/Shanghai",
  PEAK_MONTHS: [1, 2, 3, 4],
  PEAK_INTERVAL_MIN: 60,
  OFFPEAK_INTERVAL_MIN: 1440,
  PORTAL_FAILURE_ALERT: 2,
};

/** A log that keeps lines for assertions. */
export function memoryLog(): Log & { lines: { level: string; msg?: string; obj: object }[] } {
  const lines: { level: string; msg?: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

/** A settable clock. */
export function clock(start = "2025-02-10T02:00:00.000Z") {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(min: number) {
      t += min * 60_000;
    },
  };
}

/** Temp dirs and fetchers cleaned up by `cleanup()`. */
export function resources() {
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  return {
    async store(dir?: string) {
      const d = dir ?? (await mkdtemp(join(tmpdir(), "nianbao-watch-")));
      if (!dir) dirs.push(d);
      const s = new LowdbStore(d);
      await s.open();
      closers.push(() => s.close());
      return s;
    },
    async dir() {
      const d = await mkdtemp(join(tmpdir(), "nianbao-watch-"));
      dirs.push(d);
      return d;
    },
    fetcher(o: ConstructorParameters<typeof HttpFetcher>[0] = {}) {
      const f = new HttpFetcher({ hostGapMs: 0, timeoutMs: 3000, retries: 0, backoffBaseMs: 5, ...o });
      closers.push(() => f.close());
      return f;
    },
    async cleanup() {
      for (const c of closers.splice(0)) await c().catch(() => undefined);
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}
