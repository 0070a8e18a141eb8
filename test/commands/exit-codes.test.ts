/**
 * Every exit code the CLI can return, through the dispatcher (src/cli.ts runCli), as the README's
 * table defines them. Issue 9 "The command line": a reachable page without a 年报 column is not a
 * network failure.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { EXIT } from "../../src/commands/types.js";
import { PortalServer } from "../support/portal-server.js";
import { renderMarkdown, SAMPLE_2021 } from "../report/support/fixtures.js";
import { resources } from "../watch/helpers.js";

const res = resources();
let srv: PortalServer;
let dir = "";

beforeAll(async () => {
  srv = await PortalServer.start();
  srv.page("/plain/", `<meta charset="utf-8"><h1>某某县人民政府</h1><a href="/news/">新闻</a>`);
  dir = await res.dir();
  await writeFile(join(dir, "report.md"), renderMarkdown(SAMPLE_2021));
  await writeFile(join(dir, "weather.txt"), "今天天气很好。");
});

afterAll(async () => {
  await srv.close();
  await res.cleanup();
});

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  let err = "";
  const code = await runCli(argv, {
    env: { DATA_DIR: join(dir, "data"), HOST_GAP_MS: "0", LOG_LEVEL: "silent", ...env },
    cwd: dir,
    out: () => undefined,
    err: (s) => void (err += `${s}\n`),
  });
  return { code, err };
}

describe("exit codes (README table)", () => {
  it("0 success, 1 some inputs failed, 2 usage", async () => {
    expect((await cli(["parse", "report.md"])).code).toBe(EXIT.ok);
    expect((await cli(["parse", "report.md", "weather.txt"])).code).toBe(EXIT.partial);
    expect((await cli(["nonsense"])).code).toBe(EXIT.usage);
    expect((await cli(["parse"])).code).toBe(EXIT.usage);
  });

  it("3 input not found: a missing file, a 404 URL, a 404 page given to portals add", async () => {
    expect((await cli(["parse", "missing.pdf"])).code).toBe(EXIT.notFound);
    expect((await cli(["parse", srv.url("/gone.pdf")])).code).toBe(EXIT.notFound);
    expect((await cli(["portals", "add", srv.url("/gone/"), "--name", "某县"])).code).toBe(EXIT.notFound);
  });

  it("4 not a 年报: a text that is no report, and a reachable site without a 年报 column (not a network failure)", async () => {
    expect((await cli(["parse", "weather.txt"])).code).toBe(EXIT.notAReport);
    const add = await cli(["portals", "add", srv.url("/plain/"), "--name", "某某县人民政府"]);
    expect(add.code).toBe(EXIT.notAReport);
    expect(add.err).toContain("未找到年报栏目");
  });

  it("5 configuration, store or registry: a bad variable, a corrupt store file, a broken portals file", async () => {
    expect((await cli(["parse", "report.md"], { HOST_GAP_MS: "-5" })).code).toBe(EXIT.config);
    const bad = join(dir, "bad");
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, "state.json"), "{ not json");
    const corrupt = await cli(["reports"], { DATA_DIR: bad });
    expect(corrupt.code).toBe(EXIT.config);
    await writeFile(join(dir, "portals.json"), "[{]");
    const reg = await cli(["portals", "list"], { PORTALS_FILE: join(dir, "portals.json") });
    expect(reg.code).toBe(EXIT.config);
    expect(reg.err).toContain("portals.json");
  });

  it("6 network: a URL that refuses connections", async () => {
    const closed = await PortalServer.start();
    const url = closed.url("/r.html");
    await closed.close();
    expect((await cli(["parse", url])).code).toBe(EXIT.network);
  });
});
