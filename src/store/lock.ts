/**
 * One writer per DATA_DIR: lowdb keeps the whole state in memory and rewrites the file, so two
 * processes writing one directory silently lose each other's updates (../shared/PITFALLS.md).
 * Writers (the bot + watcher, `poll`, `backfill`, `reparse`) take the lock; readers (`reports`,
 * `export`, `history`) need none: they never write.
 *
 * The lock must die with its process, or a supervisor that restarts at once after a SIGKILL gets
 * a crash loop ("in use by process N" for a pid that is gone, a zombie not yet reaped, or reused
 * by another program). Node 20 has no flock without a native addon, so two parts:
 *
 * 1. On Linux, a listening Unix socket in the abstract namespace named after the directory's real
 *    path. The kernel closes it when the process dies, however it dies (it is gone before the
 *    process is even a zombie), and a second bind fails with EADDRINUSE: exclusion without
 *    a stale state. The abstract namespace is per network namespace, hence part 2.
 * 2. `DATA_DIR/.lock` naming the owner: pid, the process start time from /proc/<pid>/stat and the
 *    boot id. A lock whose pid is gone, a zombie, or a pid now carrying another start time (reused)
 *    or from another boot is stale and taken over; a live owner is refused. Elsewhere (no /proc,
 *    no abstract sockets) this check alone decides, with `kill(pid, 0)` for liveness.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

export class StoreLockedError extends Error {
  constructor(
    public readonly dir: string,
    /** The owner's pid, 0 when it could not be read. */
    public readonly pid: number,
  ) {
    const who = pid > 0 ? `进程 ${pid}` : "另一个进程";
    super(
      `数据目录 ${dir} 正被${who}使用（例如正在运行的 npm start）；请先停止它，或改用其他 DATA_DIR。/ DATA_DIR is in use by ${pid > 0 ? `process ${pid}` : "another process"}.`,
    );
    this.name = "StoreLockedError";
  }
}

/** Who holds a lock: what `.lock` records. Older versions wrote the bare pid. */
export interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); null when unknown. */
  start: string | null;
  /** /proc/sys/kernel/random/boot_id; null when unknown. */
  boot: string | null;
}

interface ProcStat {
  state: string;
  start: string;
}

/** State and start time of a process from /proc (null: no such process, or no /proc). */
function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : null;
}

const hasProc = (): boolean => procStat(process.pid) !== null;

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** This process as a lock owner. */
export function selfOwner(): LockOwner {
  return { pid: process.pid, start: procStat(process.pid)?.start ?? null, boot: bootId() };
}

/** Parses `.lock` (JSON owner, or a bare pid from older versions); null when unreadable. */
export function parseOwner(text: string): LockOwner | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t), start: null, boot: null };
  try {
    const o = JSON.parse(t) as Partial<LockOwner>;
    if (typeof o.pid !== "number" || !Number.isSafeInteger(o.pid) || o.pid <= 0) return null;
    return { pid: o.pid, start: typeof o.start === "string" ? o.start : null, boot: typeof o.boot === "string" ? o.boot : null };
  } catch {
    return null;
  }
}

/**
 * True when the recorded owner is still running: the pid exists, is not a zombie, and (when
 * recorded) has the same start time and boot id — otherwise the pid was reused or the machine
 * rebooted, and the lock is stale.
 */
export function ownerAlive(o: LockOwner): boolean {
  if (o.boot && bootId() && o.boot !== bootId()) return false;
  if (hasProc()) {
    const st = procStat(o.pid);
    if (!st) return false;
    if (st.state === "Z" || st.state === "X" || st.state === "x") return false;
    return o.start === null || st.start === o.start;
  }
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Binds the directory's abstract socket: the server, "held" (another live process has it) or null (unsupported). */
async function bindKernelLock(dir: string): Promise<Server | "held" | null> {
  if (process.platform !== "linux") return null;
  const real = await realpath(dir);
  const name = `\0nianbao-lock-${createHash("sha256").update(real).digest("hex").slice(0, 40)}`;
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "EADDRINUSE" ? "held" : null));
    server.listen({ path: name, exclusive: true }, () => {
      // The lock must not keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

const readOwner = async (file: string): Promise<LockOwner | null> => parseOwner(await readFile(file, "utf8").catch(() => ""));

let tmpCounter = 0;

export interface LockOptions {
  /** Use the kernel-released socket where available (default true; tests turn it off to check the file alone). */
  kernel?: boolean;
}

/** Takes the lock of `dir` for this process; returns its release function. */
export async function lockDir(dir: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const file = join(dir, ".lock");
  let kernel = opts.kernel === false ? null : await bindKernelLock(dir);
  // A holder killed a moment ago can show as a zombie while its other threads are still being
  // torn down, and the socket closes only after the last one: when the recorded owner is dead,
  // wait for the kernel (bounded) instead of refusing.
  for (let i = 0; kernel === "held" && i < 100; i++) {
    const owner = await readOwner(file);
    if (!owner || ownerAlive(owner)) break;
    await new Promise((r) => setTimeout(r, 20));
    kernel = await bindKernelLock(dir);
  }
  if (kernel === "held") throw new StoreLockedError(dir, (await readOwner(file))?.pid ?? 0);
  const me = selfOwner();
  const release = async () => {
    kernel?.close();
    // Only remove a lock file that is still ours.
    if ((await readOwner(file))?.pid === process.pid) await rm(file, { force: true });
  };
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await open(file, "wx");
        try {
          await fh.writeFile(JSON.stringify(me));
        } finally {
          await fh.close();
        }
        return release;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const owner = await readOwner(file);
      // A live owner the socket did not exclude: another network namespace, or an older version.
      if (owner && owner.pid !== process.pid && ownerAlive(owner)) throw new StoreLockedError(dir, owner.pid);
      if (kernel) {
        // Stale, and we hold the socket, so no other starter races us: replace it in one rename.
        const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
        await writeFile(tmp, JSON.stringify(me));
        await rename(tmp, file);
        return release;
      }
      // Stale without the socket: remove it and race for `wx` again.
      await rm(file, { force: true });
    }
    throw new Error(`cannot take the lock ${file}`);
  } catch (e) {
    kernel?.close();
    throw e;
  }
}
