/**
 * `nianbao parse`: files and URLs (a local HTTP server on 127.0.0.1, GBK page included), NDJSON
 * with `source` as given (failed inputs included), one stderr line per failure, exit codes.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/commands/types.js";
import { runParse } from "../../src/commands/parse.js";
import { renderHtml2021, renderMarkdown, SAMPLE_2021 } from "../report/support/fixtures.js";

let server: http.Server;
let base = "";
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "nianbao-cli-"));
  await writeFile(path.join(dir, "report.md"), renderMarkdown(SAMPLE_2021));
  await writeFile(path.join(dir, "weather.txt"), "今天天气很好。");
  const gbk = iconv.encode(renderHtml2021(SAMPLE_2021, { metaCharset: "gb2312" }), "gbk");
  server = http.createServer((req, res) => {
    if (req.url === "/gbk.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(gbk);
    } else if (req.url === "/broken") {
      req.socket.destroy();
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  let out = "";
  const err: string[] = [];
  const code = await runParse({ argv, env: {}, cwd: dir, out: (s) => void (out += s), err: (s) => void err.push(s) });
  return { code, out, err };
}

describe("nianbao parse", () => {
  it("prints one JSON object per input (file and GBK URL), source exactly as given", async () => {
    const url = `${base}/gbk.html`;
    const r = await run(["--json", "report.md", url]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.out.trimEnd().split("\n").map((l) => JSON.parse(l) as { source: string; agency: string; requests: Record<string, number[]> });
    expect(lines.map((l) => l.source)).toEqual(["report.md", url]);
    for (const l of lines) {
      expect(l.agency).toBe(SAMPLE_2021.agency);
      expect(l.requests.newReceived).toEqual(SAMPLE_2021.t3.newReceived);
    }
  });

  it("--explain prints every cell's source line and way of reading; with --json it adds provenance only", async () => {
    const txt = await run(["--explain", "report.md"]);
    expect(txt.code).toBe(EXIT.ok);
    expect(txt.out).toContain("单元格来源");
    expect(txt.out).toMatch(/自然人 = \d+　直接读取/);
    const plain = JSON.parse((await run(["--json", "report.md"])).out) as Record<string, unknown>;
    const withProv = JSON.parse((await run(["--json", "--explain", "report.md"])).out) as Record<string, unknown>;
    expect(plain.provenance).toBeUndefined();
    expect(Array.isArray(withProv.provenance)).toBe(true);
    const { provenance: _p, ...rest } = withProv;
    expect(rest).toEqual(plain);
  });

  it("a failing input gets one stderr line and exit 1 when others succeed", async () => {
    const r = await run(["--json", "report.md", `${base}/missing`, "nope.txt"]);
    expect(r.code).toBe(EXIT.partial);
    // --json: one line per input, the failed ones as {source, error} (issue 9 "The command line").
    const lines = r.out.trimEnd().split("\n").map((l) => JSON.parse(l) as { source: string; error?: { code: string; message: string } });
    expect(lines.map((l) => l.source)).toEqual(["report.md", `${base}/missing`, "nope.txt"]);
    expect(lines[0]!.error).toBeUndefined();
    expect(lines[1]!.error).toEqual({ code: "not-found", message: "下载失败：HTTP 404" });
    expect(lines[2]!.error).toEqual({ code: "not-found", message: "文件不存在" });
    expect(r.err).toHaveLength(2);
    expect(r.err[0]).toBe(`${base}/missing: 下载失败：HTTP 404`);
    expect(r.err[1]).toBe("nope.txt: 文件不存在");
  });

  it("exit codes for a single failing input: not found 3, not a report 4, network 6", async () => {
    expect((await run(["nope.txt"])).code).toBe(EXIT.notFound);
    const nar = await run(["weather.txt"]);
    expect(nar.code).toBe(EXIT.notAReport);
    expect(nar.err[0]).toMatch(/^weather\.txt: 不是政府信息公开工作年度报告/);
    expect((await run([`${base}/broken`])).code).toBe(EXIT.network);
  });

  it("without --json prints a readable Chinese summary", async () => {
    const r = await run(["report.md"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(`机关：${SAMPLE_2021.agency}`);
    expect(r.out).toContain("年度：2023");
    expect(r.out).toContain("40"); // 新收 total
  });

  it("usage errors", async () => {
    expect((await run([])).code).toBe(EXIT.usage);
    expect((await run(["--jsno", "x"])).code).toBe(EXIT.usage);
  });

  it("runs as a process: no stack trace, exit code from the CLI", async () => {
    const res = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--import", "tsx", path.resolve("src/cli.ts"), "parse", "--json", path.join(dir, "report.md"), path.join(dir, "weather.txt")], { cwd: path.resolve("."), timeout: 60_000 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(res.code).toBe(EXIT.partial);
    const [report, failed] = res.stdout.trim().split("\n").map((l) => JSON.parse(l) as { year?: number; source: string; error?: { code: string } });
    expect(report!.year).toBe(2023);
    expect(failed).toMatchObject({ source: path.join(dir, "weather.txt"), error: { code: "not-a-report" } });
    expect(res.stderr).toContain("weather.txt: ");
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
