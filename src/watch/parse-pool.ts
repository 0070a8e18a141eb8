/**
 * Parsing off the main thread. parseDocument is CPU-bound (≈20 ms for an HTML report, over a
 * second for a PDF), and the watcher shares its process with the bot: a pool of worker threads
 * keeps the event loop free for Telegram and for fetch pacing. A parse that runs past the timeout
 * (a pathological PDF) ends its worker and comes back as an error outcome; the pool never throws.
 */
import { Worker } from "node:worker_threads";
import type { ParseInput, ParseOutcome } from "../report/parse.js";

/** A parse function backed by worker threads. */
export interface ParsePool {
  parse(input: ParseInput): Promise<ParseOutcome>;
  /** Ends the workers; pending parses resolve as errors. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  input: ParseInput;
  resolve: (o: ParseOutcome) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

const failed = (message: string): ParseOutcome => ({ ok: false, error: { code: "corrupt", message } });

/** Creates a pool of `size` workers (started lazily), each parse bounded by `timeoutMs`. */
export function createParsePool(opts: { size?: number; timeoutMs?: number } = {}): ParsePool {
  const size = Math.max(1, opts.size ?? 1);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const self = import.meta.url;
  const entry = new URL(self.endsWith(".ts") ? "./parse-worker.ts" : "./parse-worker.js", self).href;
  const boot = new URL("./parse-boot.mjs", self);
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot, outcome: ParseOutcome) => {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    // Idle workers must not keep the process alive; busy ones must.
    slot.worker.unref();
    job?.resolve(outcome);
    pump();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(boot, { workerData: { entry } }), job: null, timer: null };
    slot.worker.unref();
    slot.worker.on("message", (m: { id: number; outcome: ParseOutcome }) => {
      if (slot.job && slot.job.id === m.id) finish(slot, m.outcome);
    });
    const dead = (why: string) => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (slot.job) finish(slot, failed(why));
      else pump();
    };
    slot.worker.on("error", (e) => dead(`解析进程出错：${e.message}`));
    slot.worker.on("exit", (code) => dead(`解析进程退出（${code}）`));
    slots.push(slot);
    return slot;
  };

  function pump(): void {
    if (closed) return;
    while (queue.length) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        // Stuck parse: end the worker; its exit handler resolves the job and a new one spawns.
        const j = slot.job;
        slot.job = null;
        j?.resolve(failed(`解析超时（超过 ${Math.round(timeoutMs / 1000)} 秒）：${j.input.source}`));
        void slot.worker.terminate();
      }, timeoutMs);
      // Copy into a fresh ArrayBuffer and transfer that (no second copy). Not .slice(): on a
      // Buffer it is a view, and transferring its (pooled) buffer would detach the caller's bytes.
      const bytes = new Uint8Array(job.input.bytes);
      slot.worker.postMessage({ id: job.id, input: { ...job.input, bytes } }, [bytes.buffer]);
    }
  }

  return {
    parse(input) {
      if (closed) return Promise.resolve(failed("解析池已关闭"));
      return new Promise((resolve) => {
        queue.push({ id: nextId++, input, resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const j of queue.splice(0)) j.resolve(failed("解析池已关闭"));
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
