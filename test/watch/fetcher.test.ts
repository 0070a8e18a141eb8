import { createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { HttpFetcher, parseRetryAfter } from "../../src/watch/fetcher.js";
import { decodeBytes } from "../../src/report/parse.js";
import { PortalServer } from "../support/portal-server.js";

let srv: PortalServer;
const fetchers: HttpFetcher[] = [];
const make = (o: ConstructorParameters<typeof HttpFetcher>[0] = {}) => {
  const f = new HttpFetcher({ hostGapMs: 0, timeoutMs: 2000, retries: 2, backoffBaseMs: 5, ...o });
  fetchers.push(f);
  return f;
};

beforeAll(async () => {
  srv = await PortalServer.start();
  srv.page("/ok.html", "<p>你好</p>");
  srv.page("/gbk.html", iconv.encode('<meta charset="gb2312"><p>政府信息公开工作年度报告</p>', "gbk"), { contentType: "text/html" });
  srv.failThen("/flaky.html", 2, (_q, res) => void res.writeHead(200, { "content-type": "text/html" }).end("ok"));
  srv.failThen("/down.html", 99, () => undefined, 503);
  srv.failThen("/slowdown.html", 1, (_q, res) => void res.writeHead(200).end("later"), 429, { "retry-after": "0.3" });
  srv.failThen("/busy.html", 1, (_q, res) => void res.writeHead(200).end("later"), 429, { "retry-after": "0.3" });
  srv.page("/other.html", "<p>other</p>");
  srv.hang("/hang.html");
  srv.redirectLoop("/loop-a", "/loop-b");
  srv.route("/moved", (_q, res) => void res.writeHead(301, { location: "/ok.html" }).end());
  srv.oversized("/huge.html", 8);
  srv.page("/etag.html", "<p>etag</p>", { etag: true });
  srv.page("/lm.html", "<p>lm</p>", { lastModified: "Wed, 01 Jan 2025 00:00:00 GMT" });
  for (let i = 0; i < 6; i++) srv.route(`/slow${i}.html`, (_q, res) => void setTimeout(() => res.writeHead(200).end("x"), 40));
});
afterAll(async () => {
  for (const f of fetchers) await f.close();
  await srv.close();
});

describe("HttpFetcher", () => {
  it("returns bytes untouched so GBK survives (decodeBytes reads the meta charset)", async () => {
    const r = await make().fetch({ url: srv.url("/gbk.html") });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(decodeBytes(r.value.bytes, r.value.contentType)).toContain("政府信息公开工作年度报告");
  });

  it("sends the configured User-Agent", async () => {
    await make({ userAgent: "nianbao-test/1" }).fetch({ url: srv.url("/ok.html") });
    expect(srv.requestsTo("/ok.html").at(-1)?.headers["user-agent"]).toBe("nianbao-test/1");
  });

  it("gives a typed http error for 404 without retrying", async () => {
    const before = srv.count("/missing.html");
    const r = await make().fetch({ url: srv.url("/missing.html") });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe("http");
    expect(r.error.status).toBe(404);
    expect(r.error.message).toContain("/missing.html");
    expect(srv.count("/missing.html") - before).toBe(1);
  });

  it("retries 5xx with backoff, then succeeds", async () => {
    const r = await make().fetch({ url: srv.url("/flaky.html") });
    expect(r.ok && new TextDecoder().decode(r.value.bytes)).toBe("ok");
    expect(srv.count("/flaky.html")).toBe(3);
  });

  it("gives up after the bounded number of retries", async () => {
    const r = await make({ retries: 1 }).fetch({ url: srv.url("/down.html") });
    expect(!r.ok && r.error.kind).toBe("http");
    expect(!r.ok && r.error.status).toBe(503);
    expect(srv.count("/down.html")).toBe(2);
  });

  it("honours Retry-After on 429", async () => {
    const r = await make({ backoffBaseMs: 1 }).fetch({ url: srv.url("/slowdown.html") });
    expect(r.ok).toBe(true);
    const [a, b] = srv.requestsTo("/slowdown.html");
    expect(b!.start - a!.start).toBeGreaterThanOrEqual(250);
    expect(parseRetryAfter("120", 0)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 0)).toBe(10_000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });

  it("holds the whole host back after a Retry-After, not just the one URL", async () => {
    const f = make({ backoffBaseMs: 1 });
    const first = f.fetch({ url: srv.url("/busy.html") });
    // Queued behind the 429 on the same host.
    await new Promise((r) => setTimeout(r, 50));
    const other = await f.fetch({ url: srv.url("/other.html") });
    expect(other.ok).toBe(true);
    expect((await first).ok).toBe(true);
    const busy = srv.requestsTo("/busy.html")[0]!;
    expect(srv.requestsTo("/other.html")[0]!.start - busy.start).toBeGreaterThanOrEqual(250);
  });

  it("times out a request that never answers", async () => {
    const r = await make({ timeoutMs: 150, retries: 1 }).fetch({ url: srv.url("/hang.html") });
    expect(!r.ok && r.error.kind).toBe("timeout");
    expect(!r.ok && r.error.message).toMatch(/超时/);
    expect(srv.count("/hang.html")).toBe(2);
  });

  it("detects redirect loops and follows ordinary redirects", async () => {
    const r = await make().fetch({ url: srv.url("/loop-a") });
    expect(!r.ok && r.error.kind).toBe("redirect-loop");
    const ok = await make().fetch({ url: srv.url("/moved") });
    expect(ok.ok && ok.value.finalUrl).toBe(srv.url("/ok.html"));
    expect(ok.ok && ok.value.url).toBe(srv.url("/moved"));
  });

  it("aborts a body past the size cap", async () => {
    const r = await make({ maxBytes: 1024 * 1024 }).fetch({ url: srv.url("/huge.html") });
    expect(!r.ok && r.error.kind).toBe("too-large");
  });

  it("makes conditional requests with ETag and Last-Modified (304 → notModified)", async () => {
    const f = make();
    const first = await f.fetch({ url: srv.url("/etag.html") });
    expect(first.ok && first.value.etag).toBeTruthy();
    if (!first.ok) return;
    const second = await f.fetch({ url: srv.url("/etag.html"), etag: first.value.etag });
    expect(second.ok && second.value.notModified).toBe(true);
    expect(second.ok && second.value.bytes.length).toBe(0);
    expect(srv.requestsTo("/etag.html")[1]?.headers["if-none-match"]).toBe(first.value.etag);
    const lm = await f.fetch({ url: srv.url("/lm.html") });
    if (!lm.ok) throw lm.error;
    const lm2 = await f.fetch({ url: srv.url("/lm.html"), lastModified: lm.value.lastModified });
    expect(lm2.ok && lm2.value.notModified).toBe(true);
  });

  it("gives network errors as values", async () => {
    const r = await make({ retries: 0 }).fetch({ url: "http://127.0.0.1:1/x" });
    expect(!r.ok && r.error.kind).toBe("network");
    const bad = await make().fetch({ url: "ftp://127.0.0.1/x" });
    expect(!bad.ok && bad.error.message).toMatch(/scheme/);
  });

  it("never overlaps requests to one host and keeps the gap between starts", async () => {
    const gap = 120;
    const f = make({ hostGapMs: gap, concurrency: 8 });
    const paths = Array.from({ length: 6 }, (_, i) => `/slow${i}.html`);
    const rs = await Promise.all(paths.map((p) => f.fetch({ url: srv.url(p) })));
    expect(rs.every((r) => r.ok)).toBe(true);
    const seen = paths.map((p) => srv.requestsTo(p)[0]!).sort((a, b) => a.start - b.start);
    // Server-side arrival times carry loopback scheduling jitter (large on a loaded machine): a
    // wide margin per gap, a narrow one on the average; a politeness bug is off by a whole gap.
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.start - seen[i - 1]!.start).toBeGreaterThanOrEqual(gap / 2);
      expect(seen[i]!.start).toBeGreaterThanOrEqual(seen[i - 1]!.end - 5);
    }
    expect((seen.at(-1)!.start - seen[0]!.start) / (seen.length - 1)).toBeGreaterThanOrEqual(gap - 10);
  });

  it("goes through PORTAL_PROXY when configured (CONNECT or absolute-URI proxying)", async () => {
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      // Plain HTTP proxying: the request line carries the absolute URL.
      seen.push(`GET ${req.url}`);
      const up = httpRequest(req.url!, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on("error", () => res.writeHead(502).end());
      req.pipe(up);
    });
    proxy.on("connect", (req, client, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? "").split(":");
      const up = connect(Number(port), host!, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      up.on("error", () => client.destroy());
      client.on("error", () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    try {
      const f = make({ proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
      const r = await f.fetch({ url: srv.url("/ok.html") });
      expect(r.ok && new TextDecoder().decode(r.value.bytes)).toContain("你好");
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toContain(new URL(srv.origin).host);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });
});
