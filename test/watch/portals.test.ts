import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { PortalsFileError, addPortal, loadPortals, portalIdFromUrl, resolveColumn, validatePortals } from "../../src/watch/portals.js";
import { PortalServer, listPage } from "../support/portal-server.js";
import { resources } from "./helpers.js";

const res = resources();
let srv: PortalServer | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  srv = undefined;
});

describe("portal registry", () => {
  it("ships a valid data/portals.json with the corpus portals", async () => {
    const file = fileURLToPath(new URL("../../data/portals.json", import.meta.url));
    const portals = await loadPortals(file);
    expect(portals.map((p) => p.url)).toEqual(expect.arrayContaining(["https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", "http://www.shuyang.gov.cn/sygfj/gknb/"]));
  });

  it("names the bad entry by index, id and field", () => {
    const r = validatePortals([
      { id: "ok", name: "好", url: "http://a.gov.cn/nb/" },
      { id: "bad-url", name: "坏", url: "ftp://a.gov.cn/" },
      { id: "Bad Id", name: "x", url: "http://b.gov.cn/" },
      { id: "ok", name: "重复", url: "http://c.gov.cn/" },
      { name: "无id", url: "http://d.gov.cn/", level: "city" },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(expect.stringMatching(/^#1 \(id "bad-url"\) url: /));
    expect(r.errors).toContainEqual(expect.stringMatching(/^#2 \(id "Bad Id"\) id: /));
    expect(r.errors).toContainEqual('#3 (id "ok") id: duplicate of entry #0');
    expect(r.errors).toContainEqual(expect.stringMatching(/^#4 \(no id\) id: /));
    expect(r.errors).toContainEqual(expect.stringMatching(/^#4 \(no id\) level: /));
    expect(validatePortals({}).ok).toBe(false);
  });

  it("loadPortals throws a PortalsFileError naming the file; a missing file is empty", async () => {
    const dir = await res.dir();
    const file = join(dir, "portals.json");
    expect(await loadPortals(file)).toEqual([]);
    await writeFile(file, '[{"id":"x","name":"x","url":"nope"}]');
    const err = await loadPortals(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortalsFileError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('#0 (id "x") url');
    await writeFile(file, "[{");
    await expect(loadPortals(file)).rejects.toThrow(/JSON/);
  });

  it("addPortal derives a unique id, refuses duplicates and writes valid JSON", async () => {
    const dir = await res.dir();
    const file = join(dir, "sub", "portals.json");
    const a = await addPortal(file, { url: "http://www.shuyang.gov.cn/sygfj/gknb/", name: "沭阳县发改局", level: "department" });
    expect(a).toMatchObject({ ok: true, portal: { id: "shuyang-sygfj-gknb" } });
    const b = await addPortal(file, { url: "HTTP://WWW.SHUYANG.GOV.CN/sygfj/gknb/#x", name: "again" });
    expect(b.ok).toBe(false);
    expect(!b.ok && b.error).toMatch(/shuyang-sygfj-gknb/);
    const [c, d] = await Promise.all([
      addPortal(file, { url: "http://x.gov.cn/nb/", name: "一" }),
      addPortal(file, { url: "http://x.gov.cn/nb/index.html", name: "二" }),
    ]);
    expect(c.ok && c.portal.id).toBe("x-nb");
    expect(d.ok && d.portal.id).toBe("x-nb-2");
    expect(await addPortal(file, { url: "http://y.gov.cn/", name: "y", id: "x-nb" })).toMatchObject({ ok: false });
    expect(await addPortal(file, { url: "not-a-url", name: "z" })).toMatchObject({ ok: false });
    const saved = JSON.parse(await readFile(file, "utf8")) as unknown[];
    expect(saved).toHaveLength(3);
    expect((await loadPortals(file)).map((p) => p.id)).toEqual(["shuyang-sygfj-gknb", "x-nb", "x-nb-2"]);
    expect(portalIdFromUrl("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/")).toBe("pingtan-zwgk-zfxxgk-zfxxgknb");
  });

  it("resolveColumn goes from a home page via 政务公开 to the 年报 column", async () => {
    srv = await PortalServer.start();
    srv.page("/", `<meta charset="utf-8"><a href="/xw/">新闻动态</a><a href="/zwgk/">政务公开</a>`);
    srv.page("/zwgk/", `<meta charset="utf-8"><a href="/zwgk/gzyd/">工作要点</a><a href="/zwgk/nb/">政府信息公开年报</a>`);
    srv.page("/zwgk/nb/", listPage([{ href: "./1.htm", title: "2024年度政府信息公开工作年度报告" }]));
    srv.page("/col/", listPage([
      { href: "./1.htm", title: "2024年度政府信息公开工作年度报告" },
      { href: "./2.htm", title: "2023年度政府信息公开工作年度报告" },
    ]));
    const f = res.fetcher();
    expect(await resolveColumn(f, srv.url("/"))).toEqual({ ok: true, url: srv.url("/zwgk/nb/"), via: "link" });
    expect(await resolveColumn(f, srv.url("/col/"))).toEqual({ ok: true, url: srv.url("/col/"), via: "column" });
    srv.page("/empty/", "<p>nothing</p>");
    const none = await resolveColumn(f, srv.url("/empty/"));
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error).toMatch(/未找到年报栏目/);
    const down = await resolveColumn(f, srv.url("/missing/"));
    expect(!down.ok && down.error).toMatch(/404/);
  });
});
