/**
 * The portal HTTP adapter: polite, bounded and charset-safe.
 *
 * - Politeness: requests to one host never overlap, and two request starts to one host are at
 *   least `hostGapMs` apart; a global limit caps concurrent requests over all hosts.
 * - Bounded: per-attempt timeout, a few retries with exponential backoff + jitter on 5xx, 429,
 *   timeouts and network errors, `Retry-After` honoured up to a cap, a body size cap (the stream
 *   is aborted past it), manual redirects with a hop cap and loop detection.
 * - Conditional GET: pass the stored ETag / Last-Modified; a 304 comes back as `notModified`.
 * - Bytes only: the body is returned as bytes plus Content-Type; decoding belongs to
 *   report/parse.ts `decodeBytes` (Response.text() would destroy GBK pages, PITFALLS.md).
 *
 * Errors are values (`FetchResult`), never thrown: one broken portal must not stop the cycle.
 */
import diagnosticsChannel from "node:diagnostics_channel";
import { fetch as undiciFetch, ProxyAgent, Agent, type Dispatcher } from "undici";

/** What can go wrong with one fetch. */
export type FetchErrorKind = "timeout" | "http" | "too-large" | "redirect-loop" | "network";

/** A failed fetch, as a value. `message` is a clear zh-CN/English line naming the URL. */
export class FetchError extends Error {
  constructor(
    public readonly kind: FetchErrorKind,
    public readonly url: string,
    message: string,
    /** HTTP status for kind "http". */
    public readonly status?: number,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

/** One GET. */
export interface FetchRequest {
  url: string;
  /** Validators from a previous response (conditional GET). */
  etag?: string;
  lastModified?: string;
  /** Overrides the fetcher's size cap for this request (bytes). */
  maxBytes?: number;
}

/** A successful fetch (2xx or 304). */
export interface FetchResponse {
  /** URL requested. */
  url: string;
  /** URL after redirects. */
  finalUrl: string;
  status: number;
  /** True for 304: `bytes` is empty and the caller's copy is current. */
  notModified: boolean;
  bytes: Uint8Array;
  contentType: string | null;
  etag?: string;
  lastModified?: string;
}

export type FetchResult = { ok: true; value: FetchResponse } | { ok: false; error: FetchError };

/** The small seam the cycle, tests and bench use. */
export interface Fetcher {
  fetch(req: FetchRequest): Promise<FetchResult>;
  /** Releases sockets. */
  close(): Promise<void>;
}

/** Options of the real fetcher; every number has a safe default. */
export interface HttpFetcherOptions {
  userAgent?: string;
  /** Minimum gap between two request starts to one host, ms (HOST_GAP_MS). */
  hostGapMs?: number;
  /** Concurrent requests over all hosts (FETCH_CONCURRENCY). */
  concurrency?: number;
  /** Per attempt, headers and body, ms (FETCH_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff delay, ms; doubles per retry, ±50 % jitter. */
  backoffBaseMs?: number;
  /** Cap on any single wait (backoff or Retry-After), ms. */
  maxRetryWaitMs?: number;
  /** Body cap, bytes (default 20 MB). */
  maxBytes?: number;
  maxRedirects?: number;
  /** Proxy URL for portal fetches (PORTAL_PROXY), separate from Telegram's. */
  proxy?: string;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Counting semaphore. */
class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Slots with a request in flight, by host, to learn when its headers actually left. */
const inFlight = new Map<string, Set<HostSlot>>();

// undici announces the moment it writes a request's headers to the socket. A busy event loop
// can hold a request back after its slot opened; counting the gap from the real send keeps the
// gap the server sees, not only the one we meant.
diagnosticsChannel.subscribe("undici:client:sendHeaders", (msg: unknown) => {
  const origin = (msg as { request?: { origin?: unknown } }).request?.origin;
  if (origin === undefined || origin === null) return;
  let host: string;
  try {
    host = new URL(String(origin)).host;
  } catch {
    return;
  }
  for (const slot of inFlight.get(host) ?? []) slot.markSent();
});

/** Per-host slot: one request at a time, starts at least `gap` ms apart. */
class HostSlot {
  private tail: Promise<void> = Promise.resolve();
  private lastStart = -Infinity;
  constructor(
    private readonly host: string,
    private readonly gap: number,
  ) {}
  /** Holds every request to this host back for `ms` (the host asked: Retry-After). */
  defer(ms: number): void {
    this.lastStart = Math.max(this.lastStart, performance.now() + ms - this.gap);
  }
  /** Called when the current request's headers were written. */
  markSent(): void {
    this.lastStart = Math.max(this.lastStart, performance.now());
  }
  /** Runs `fn` when the host is free and the gap has passed. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const go = async () => {
      const wait = this.lastStart + this.gap - performance.now();
      if (wait > 0) await sleep(wait);
      this.lastStart = performance.now();
      let set = inFlight.get(this.host);
      if (!set) inFlight.set(this.host, (set = new Set()));
      set.add(this);
      try {
        return await fn();
      } finally {
        set.delete(this);
        if (!set.size) inFlight.delete(this.host);
      }
    };
    const p = this.tail.then(go, go);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
}

interface Attempt {
  kind: "ok" | "redirect" | "retry" | "fail";
  response?: FetchResponse;
  location?: string;
  error?: FetchError;
  retryAfterMs?: number;
}

/** Parses Retry-After (seconds or HTTP date) into ms from now. */
export function parseRetryAfter(v: string | null, nowMs: number): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const d = Date.parse(t);
  return Number.isNaN(d) ? undefined : Math.max(0, d - nowMs);
}

/** The real fetcher (undici), used by main, CLI, tests and bench alike. */
export class HttpFetcher implements Fetcher {
  private readonly o: Required<Omit<HttpFetcherOptions, "proxy">> & { proxy?: string };
  private readonly hosts = new Map<string, HostSlot>();
  private readonly global: Semaphore;
  private readonly dispatcher: Dispatcher;

  constructor(opts: HttpFetcherOptions = {}) {
    this.o = {
      userAgent: opts.userAgent ?? "nianbao/0.1",
      hostGapMs: opts.hostGapMs ?? 2000,
      concurrency: opts.concurrency ?? 8,
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: opts.retries ?? 2,
      backoffBaseMs: opts.backoffBaseMs ?? 1000,
      maxRetryWaitMs: opts.maxRetryWaitMs ?? 60_000,
      maxBytes: opts.maxBytes ?? 20 * 1024 * 1024,
      maxRedirects: opts.maxRedirects ?? 5,
      random: opts.random ?? Math.random,
      proxy: opts.proxy,
    };
    this.global = new Semaphore(this.o.concurrency);
    this.dispatcher = opts.proxy
      ? new ProxyAgent({ uri: opts.proxy })
      : new Agent({ connections: Math.max(2, this.o.concurrency), keepAliveTimeout: 10_000 });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private slot(host: string): HostSlot {
    let s = this.hosts.get(host);
    if (!s) {
      s = new HostSlot(host, this.o.hostGapMs);
      this.hosts.set(host, s);
    }
    return s;
  }

  async fetch(req: FetchRequest): Promise<FetchResult> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { ok: false, error: new FetchError("network", req.url, `无效的网址 / invalid URL: ${req.url.slice(0, 200)}`) };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return { ok: false, error: new FetchError("network", req.url, `不支持的协议 / unsupported scheme: ${url.protocol}`) };
    }
    const seen = new Set<string>([url.href]);
    // Validators only apply to the URL they were stored for.
    let conditional = true;
    for (let hop = 0; ; hop++) {
      const r = await this.withRetries(url, { ...req, ...(conditional ? {} : { etag: undefined, lastModified: undefined }) });
      if (r.kind === "ok") return { ok: true, value: { ...r.response!, url: req.url } };
      if (r.kind === "fail") return { ok: false, error: r.error! };
      // redirect
      let next: URL;
      try {
        next = new URL(r.location!, url);
      } catch {
        return { ok: false, error: new FetchError("http", req.url, `重定向地址无效 / bad redirect Location from ${url.href}`) };
      }
      if (seen.has(next.href)) {
        return {
          ok: false,
          error: new FetchError("redirect-loop", req.url, `重定向循环 / redirect loop: ${url.href} → ${next.href}`),
        };
      }
      if (hop + 1 > this.o.maxRedirects) {
        return {
          ok: false,
          error: new FetchError("redirect-loop", req.url, `重定向次数过多 / more than ${this.o.maxRedirects} redirects from ${req.url}`),
        };
      }
      seen.add(next.href);
      url = next;
      conditional = false;
    }
  }

  private async withRetries(url: URL, req: FetchRequest): Promise<Attempt> {
    let last: Attempt | undefined;
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      if (attempt > 0) {
        const backoff = this.o.backoffBaseMs * 2 ** (attempt - 1) * (0.5 + this.o.random());
        const wait = Math.min(this.o.maxRetryWaitMs, Math.max(backoff, last?.retryAfterMs ?? 0));
        await sleep(wait);
      }
      last = await this.slot(url.host).run(async () => {
        await this.global.acquire();
        try {
          return await this.once(url, req);
        } finally {
          this.global.release();
        }
      });
      if (last.kind !== "retry") return last;
      // Retry-After is about the host, not just this URL: the other requests wait too.
      if (last.retryAfterMs !== undefined) this.slot(url.host).defer(Math.min(this.o.maxRetryWaitMs, last.retryAfterMs));
    }
    return { kind: "fail", error: last!.error! };
  }

  private async once(url: URL, req: FetchRequest): Promise<Attempt> {
    const headers: Record<string, string> = {
      "user-agent": this.o.userAgent,
      accept: "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8",
      "accept-language": "zh-CN,zh;q=0.9",
    };
    if (req.etag) headers["if-none-match"] = req.etag;
    if (req.lastModified) headers["if-modified-since"] = req.lastModified;
    const maxBytes = req.maxBytes ?? this.o.maxBytes;
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.o.timeoutMs);
    const href = url.href;
    try {
      const res = await undiciFetch(href, { headers, redirect: "manual", signal: ac.signal, dispatcher: this.dispatcher });
      const status = res.status;
      if (status >= 300 && status < 400 && status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const loc = res.headers.get("location");
        if (!loc) return { kind: "fail", error: new FetchError("http", href, `HTTP ${status} 无 Location / redirect without Location: ${href}`, status) };
        return { kind: "redirect", location: loc };
      }
      if (status === 304) {
        await res.body?.cancel().catch(() => undefined);
        return {
          kind: "ok",
          response: {
            url: href,
            finalUrl: href,
            status,
            notModified: true,
            bytes: new Uint8Array(0),
            contentType: res.headers.get("content-type"),
            etag: res.headers.get("etag") ?? req.etag,
            lastModified: res.headers.get("last-modified") ?? req.lastModified,
          },
        };
      }
      if (status < 200 || status >= 300) {
        await res.body?.cancel().catch(() => undefined);
        const error = new FetchError("http", href, `HTTP ${status}：${href}`, status);
        const retryable = status >= 500 || status === 429 || status === 408;
        return {
          kind: retryable ? "retry" : "fail",
          error,
          retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), Date.now()),
        };
      }
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: "fail", error: tooLarge(href, maxBytes) };
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      if (res.body) {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > maxBytes) {
            ac.abort();
            await reader.cancel().catch(() => undefined);
            return { kind: "fail", error: tooLarge(href, maxBytes) };
          }
          chunks.push(value);
        }
      }
      const bytes = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) {
        bytes.set(c, off);
        off += c.byteLength;
      }
      return {
        kind: "ok",
        response: {
          url: href,
          finalUrl: href,
          status,
          notModified: false,
          bytes,
          contentType: res.headers.get("content-type"),
          etag: res.headers.get("etag") ?? undefined,
          lastModified: res.headers.get("last-modified") ?? undefined,
        },
      };
    } catch (e) {
      if (timedOut) {
        return { kind: "retry", error: new FetchError("timeout", href, `超时 / timed out after ${this.o.timeoutMs} ms: ${href}`) };
      }
      const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      return { kind: "retry", error: new FetchError("network", href, `网络错误 / network error: ${cause} (${href})`) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function tooLarge(url: string, max: number): FetchError {
  return new FetchError("too-large", url, `响应过大 / body larger than ${Math.round(max / 1024)} KB: ${url}`);
}
