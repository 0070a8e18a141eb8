/**
 * A real HTTP "government portal" on loopback for watcher tests and bench/poll.ts.
 *
 * Serves whatever routes a test registers (list pages, UTF-8 / GBK articles, PDFs) plus canned
 * misbehaviour: 404, 500-then-200, a request that never answers, a redirect loop, an oversized
 * body, ETag / Last-Modified with 304. Every request is recorded with server-side timestamps
 * (performance.now(), ms) so politeness can be asserted on what the server saw.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived / when the response finished. */
  start: number;
  end: number;
  status: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options of a static page. */
export interface PageOptions {
  contentType?: string;
  /** Send an ETag (sha1 of the body) and honour If-None-Match with 304. */
  etag?: boolean;
  /** Send this Last-Modified and honour If-Modified-Since with 304. */
  lastModified?: string;
  status?: number;
}

/**
 * The corpus files the portal server serves, by their corpus name. They are the golden cases'
 * sources (one copy of each corpus file in the repo; tests never read ../shared at run time).
 */
const CORPUS_COPIES: Record<string, string> = {
  "001.html": "shuyang-fgj-2023-html/source.html",
  "002.txt": "pingtan-2019-squashed/source.txt",
  "003.txt": "pingtan-2022-squashed/source.txt",
  "004.txt": "pingtan-2024-squashed/source.txt",
  "hongze-2023.pdf": "hongze-2023-pdf/source.pdf",
  "hongze-2024.pdf": "hongze-2024-pdf/source.pdf",
};

/** Reads a corpus file (see CORPUS_COPIES). */
export function fixture(name: string): Buffer {
  const rel = CORPUS_COPIES[name];
  if (!rel) throw new Error(`no corpus copy named ${name}`);
  return readFileSync(fileURLToPath(new URL(`../golden/${rel}`, import.meta.url)));
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * An archived corpus text report (header lines + body) as a simple article page, in UTF-8 or GBK
 * (`<meta charset=gb2312>`; the caller decides whether the header says so too).
 */
export function textArticle(text: string, charset: "utf-8" | "gbk" = "utf-8"): Buffer {
  const title = /^标题:\s*(.+)$/m.exec(text)?.[1] ?? "政府信息公开工作年度报告";
  const meta = charset === "gbk" ? `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">` : `<meta charset="utf-8">`;
  const html =
    `<!DOCTYPE html><html><head>${meta}<title>${esc(title)}</title></head><body>` +
    `<div class="nav"><a href="/">首页</a> &gt; <a href="../">政府信息公开年报</a></div>` +
    `<div class="article">${text
      .split("\n")
      .map((l) => `<p>${esc(l)}</p>`)
      .join("\n")}</div></body></html>`;
  return charset === "gbk" ? iconv.encode(html, "gbk") : Buffer.from(html, "utf8");
}

/** A 年报 column page: links with titles, optional pagination (下一页 link or createPageHTML). */
export function listPage(
  items: { href: string; title: string; date?: string }[],
  opts: { next?: string; createPageHTML?: { total: number; current: number }; extraLinks?: { href: string; title: string }[] } = {},
): string {
  const lis = items.map((i) => `<li><a href="${i.href}" title="${esc(i.title)}" target="_blank">${esc(i.title)}</a><span>${i.date ?? ""}</span></li>`);
  const extra = (opts.extraLinks ?? []).map((l) => `<a href="${l.href}">${esc(l.title)}</a>`).join(" ");
  const pager = opts.next
    ? `<div class="page"><a href="${opts.next}">下一页</a></div>`
    : opts.createPageHTML
      ? `<script>createPageHTML(${opts.createPageHTML.total}, ${opts.createPageHTML.current}, "index", "html");</script>`
      : "";
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>` +
    `<div class="nav"><a href="/">首页</a> ${extra}<a href="/gzyd.html">2024年政务公开工作要点</a></div>` +
    `<ul class="list">${lis.join("\n")}</ul>${pager}</body></html>`
  );
}

/** A loopback portal server. */
export class PortalServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly hits = new Map<string, number>();
  /** Called for every request before routing (e.g. to kill a client mid-cycle). */
  onRequest?: (path: string, n: number) => void;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly latencyMs: number,
  ) {}

  /** Starts on `host` (default 127.0.0.1), port 0. */
  static async start(opts: { host?: string; latencyMs?: number } = {}): Promise<PortalServer> {
    const host = opts.host ?? "127.0.0.1";
    const ref: { self?: PortalServer } = {};
    const server = createServer((req, res) => void ref.self!.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    ref.self = new PortalServer(server, `http://${host}:${port}`, opts.latencyMs ?? 0);
    return ref.self;
  }

  /** Absolute URL of a path on this server. */
  url(path: string): string {
    return this.origin + path;
  }

  /** Registers a handler for an exact path (query string ignored). */
  route(path: string, h: Handler): this {
    this.routes.set(path, h);
    return this;
  }

  /** Serves a static body with optional validators. */
  page(path: string, body: string | Uint8Array, opts: PageOptions = {}): this {
    const buf = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    const etag = opts.etag ? `"${createHash("sha1").update(buf).digest("hex").slice(0, 16)}"` : undefined;
    return this.route(path, (req, res) => {
      const inm = req.headers["if-none-match"];
      const ims = req.headers["if-modified-since"];
      const headers: Record<string, string> = { "content-type": opts.contentType ?? "text/html; charset=utf-8" };
      if (etag) headers.etag = etag;
      if (opts.lastModified) headers["last-modified"] = opts.lastModified;
      if ((etag && inm === etag) || (!etag && opts.lastModified && ims === opts.lastModified)) {
        res.writeHead(304, headers).end();
        return;
      }
      res.writeHead(opts.status ?? 200, { ...headers, "content-length": String(buf.length) }).end(buf);
    });
  }

  /** Answers `failures` times with `status` (e.g. 500), then delegates to `then`. */
  failThen(path: string, failures: number, then: Handler, status = 500, headers: Record<string, string> = {}): this {
    let n = 0;
    return this.route(path, (req, res) => {
      if (n++ < failures) {
        res.writeHead(status, { "content-type": "text/plain", ...headers }).end("服务器错误");
        return;
      }
      return then(req, res);
    });
  }

  /** Never answers (until the client aborts or the server closes). */
  hang(path: string): this {
    return this.route(path, () => undefined);
  }

  /** a → b → a … */
  redirectLoop(a: string, b: string): this {
    this.route(a, (_q, res) => void res.writeHead(302, { location: b }).end());
    return this.route(b, (_q, res) => void res.writeHead(302, { location: a }).end());
  }

  /** Streams `mb` MiB without a Content-Length. */
  oversized(path: string, mb: number): this {
    return this.route(path, async (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let i = 0; i < mb * 16 && !res.destroyed; i++) {
        if (!res.write(chunk)) {
          await new Promise<void>((r) => {
            const done = () => {
              res.off("drain", done).off("close", done);
              r();
            };
            res.on("drain", done).on("close", done);
          });
        }
      }
      res.end();
    });
  }

  /** How many requests a path received. */
  count(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** Requests to a path, in arrival order. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const path = (req.url ?? "/").split("?")[0]!;
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const rec: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, start, end: NaN, status: 0 };
    this.requests.push(rec);
    res.on("close", () => {
      rec.end = performance.now();
      rec.status = res.statusCode;
    });
    this.onRequest?.(path, this.requests.length);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const h = this.routes.get(path);
    if (!h) {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("<h1>404 页面不存在</h1>");
      return;
    }
    try {
      await h(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
