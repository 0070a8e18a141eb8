/**
 * `nianbao parse URL` goes through the project's fetcher, configured like the watcher (issue 9
 * "The command line": FETCH_TIMEOUT_MS was ignored, and the CLI had its own bare fetch): the
 * local portal server on 127.0.0.1 serves a GBK page, a 404, a slow page and a page that is not
 * a report.
 */
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runParse } from "../../src/commands/parse.js";
import { EXIT } from "../../src/commands/types.js";
import { PortalServer } from "../support/portal-server.js";
import { renderHtml2021, SAMPLE_2021 } from "../report/support/fixtures.js";

let srv: PortalServer;
const UA = "nianbao-test/1.0 (parse-url)";
/** How long /slow.html takes to answer, ms: far above the short timeout, far below the long one. */
const SLOW_MS = 1500;

beforeAll(async () => {
  srv = await PortalServer.start();
  // A GBK page whose header names no charset: only the <meta> tells (the parser decodes bytes).
  srv.page("/gbk.html", iconv.encode(renderHtml2021(SAMPLE_2021, { metaCharset: "gb2312" }), "gbk"), { contentType: "text/html" });
  srv.page("/weather.html", "<html><body><p>今天天气很好。</p></body></html>");
  srv.route("/slow.html", (_req, res) => {
    const body = Buffer.from(renderHtml2021(SAMPLE_2021), "utf8");
    const t = setTimeout(() => {
      if (!res.destroyed) res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    }, SLOW_MS);
    res.on("close", () => clearTimeout(t));
  });
});

afterAll(async () => {
  await srv.close();
});

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string[] }> {
  let out = "";
  const err: string[] = [];
  const code = await runParse({ argv, env: { HOST_GAP_MS: "0", ...env }, cwd: "/", out: (s) => void (out += s), err: (s) => void err.push(s) });
  return { code, out, err };
}

const jsonLines = (out: string) => out.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown> & { source: string; error?: { code: string; message: string } });

describe("parse URL through the project's fetcher", () => {
  it("decodes a GBK page and sends the configured USER_AGENT", async () => {
    const url = srv.url("/gbk.html");
    const r = await run(["--json", url], { USER_AGENT: UA });
    expect(r.err).toEqual([]);
    expect(r.code).toBe(EXIT.ok);
    const [line] = jsonLines(r.out);
    expect(line).toMatchObject({ source: url, agency: SAMPLE_2021.agency, year: 2023 });
    expect((line!.requests as Record<string, number[]>).newReceived).toEqual(SAMPLE_2021.t3.newReceived);
    expect(srv.requestsTo("/gbk.html").map((q) => q.headers["user-agent"])).toEqual([UA]);
  });

  it("a 404 is 'not found' (exit 3), asked once (not retried), with a JSON error line", async () => {
    const url = srv.url("/gone.html");
    const before = srv.count("/gone.html");
    const r = await run(["--json", url]);
    expect(r.code).toBe(EXIT.notFound);
    expect(jsonLines(r.out)).toEqual([{ source: url, error: { code: "not-found", message: "下载失败：HTTP 404" } }]);
    expect(r.err).toEqual([`${url}: 下载失败：HTTP 404`]);
    expect(srv.count("/gone.html") - before).toBe(1);
  });

  it("honours FETCH_TIMEOUT_MS: the same slow page times out under a short timeout and parses under a long one", async () => {
    const url = srv.url("/slow.html");
    const short = await run(["--json", url], { FETCH_TIMEOUT_MS: "200" });
    expect(short.code).toBe(EXIT.network);
    const [line] = jsonLines(short.out);
    expect(line!.error?.code).toBe("timeout");
    expect(line!.error?.message).toContain("200 毫秒");
    // The fetcher's retries apply too: the first attempt and two retries.
    expect(srv.count("/slow.html")).toBe(3);

    const long = await run(["--json", url], { FETCH_TIMEOUT_MS: "20000" });
    expect(long.err).toEqual([]);
    expect(long.code).toBe(EXIT.ok);
    expect(jsonLines(long.out)[0]).toMatchObject({ source: url, agency: SAMPLE_2021.agency });
  });

  it("a reachable page that is not a 年报 is exit 4, not a network failure", async () => {
    const url = srv.url("/weather.html");
    const r = await run(["--json", url]);
    expect(r.code).toBe(EXIT.notAReport);
    expect(jsonLines(r.out)[0]!.error?.code).toBe("not-a-report");
  });

  it("a bad FETCH_TIMEOUT_MS is a configuration error naming the variable (exit 5)", async () => {
    const r = await run([srv.url("/gbk.html")], { FETCH_TIMEOUT_MS: "soon" });
    expect(r.code).toBe(EXIT.config);
    expect(r.err.join("\n")).toContain("FETCH_TIMEOUT_MS");
    expect(r.out).toBe("");
  });
});
