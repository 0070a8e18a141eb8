import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../src/commands/watch.js";
import type { CliContext } from "../../src/commands/types.js";
import { EXIT } from "../../src/commands/types.js";
import { PortalServer } from "../support/portal-server.js";
import { resources } from "../watch/helpers.js";
import { startSite } from "../watch/site.js";

const res = resources();
let srv: PortalServer | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  srv = undefined;
});

async function run(name: string, argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { argv, env, cwd: "/", out: (s) => void out.push(s), err: (s) => void err.push(s) };
  const code = await commands[name]!.run(ctx);
  return { code, out: out.join(""), err: err.join("\n") };
}

describe("watch CLI", () => {
  it("portals add/list, poll --once, reports --json, reparse, backfill", async () => {
    const site = await startSite();
    srv = site.srv;
    const dir = await res.dir();
    const env = { DATA_DIR: dir, HOST_GAP_MS: "0", LOG_LEVEL: "silent", FETCH_TIMEOUT_MS: "5000" };

    // A home page is resolved to its column; the column itself is kept as is.
    srv.page("/home/", `<meta charset="utf-8"><a href="/pt/">政府信息公开年报</a>`);
    const add = await run("portals", ["add", srv.url("/home/"), "--name", "平潭综合实验区", "--region", "福建 平潭", "--level", "government", "--id", "pt"], env);
    expect(add.err).toBe("");
    expect(add.code).toBe(EXIT.ok);
    expect(add.out).toContain(srv.url("/pt/"));
    expect((await run("portals", ["add", srv.url("/gbk/"), "--name", "GBK", "--no-resolve"], env)).code).toBe(EXIT.ok);
    expect((await run("portals", ["add", srv.url("/gbk/"), "--name", "again", "--no-resolve"], env)).code).toBe(EXIT.usage);
    expect((await run("portals", ["add", srv.url("/x/")], env)).err).toMatch(/--name/);
    const list = await run("portals", ["list"], env);
    expect(list.out).toMatch(/^pt\t平潭综合实验区\t/m);
    expect(list.out).toContain("共 2 个门户");

    const poll = await run("poll", ["--once"], env);
    expect(poll.code).toBe(EXIT.ok);
    expect(poll.out).toMatch(/检查门户 2 个：新报告 0，更新 0，失败 0，基线 2/);

    const json = await run("reports", ["--json", "--year", "2019"], env);
    const lines = json.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ year: 2019, agency: "平潭综合实验区", portalId: expect.any(String), url: expect.stringContaining("/gbk/") });
    expect(lines[0]!.fetchedAt).toEqual(expect.any(String));
    expect(lines[0]!.requests).toBeTruthy();
    const byAgency = await run("reports", ["--json", "--agency", "平潭"], env);
    expect(byAgency.out.trim().split("\n")).toHaveLength(3);
    expect((await run("reports", ["--year", "x"], env)).code).toBe(EXIT.usage);

    const rp = await run("reparse", [], env);
    expect(rp.code).toBe(EXIT.ok);
    expect(rp.out).toMatch(/重新解析 3 份：变化 0，失败 0/);

    const bf = await run("backfill", ["pt"], env);
    expect(bf.code).toBe(EXIT.ok);
    expect((await run("backfill", ["nope"], env)).code).toBe(EXIT.notFound);
  });

  it("poll --once exits 6 when every portal failed, and bad config / portals files exit 5", async () => {
    const dir = await res.dir();
    const env = { DATA_DIR: dir, HOST_GAP_MS: "0", LOG_LEVEL: "silent", FETCH_TIMEOUT_MS: "2000" };
    srv = await PortalServer.start();
    // A 404 column is not retried, so the test stays fast (network errors back off for seconds).
    await writeFile(join(dir, "portals.json"), JSON.stringify([{ id: "dead", name: "死站", url: srv.url("/gone/") }]));
    const r = await run("poll", ["--once"], env);
    expect(r.code).toBe(EXIT.network);
    expect(r.out).toContain("失败 1");
    await writeFile(join(dir, "portals.json"), JSON.stringify([{ id: "Bad", name: "x", url: "http://127.0.0.1:1/" }]));
    const bad = await run("poll", ["--once"], env);
    expect(bad.code).toBe(EXIT.config);
    expect(bad.err).toMatch(/#0 \(id "Bad"\) id/);
    const cfg = await run("poll", ["--once"], { ...env, HOST_GAP_MS: "-1" });
    expect(cfg.code).toBe(EXIT.config);
    expect(cfg.err).toContain("HOST_GAP_MS");
    expect((await run("poll", ["--bogus"], env)).code).toBe(EXIT.usage);
  });
});
