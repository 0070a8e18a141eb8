import { afterEach, describe, expect, it } from "vitest";
import { runCycle, reportIdFor, type CycleDeps } from "../../src/watch/cycle.js";
import type { Store } from "../../src/store/types.js";
import type { PortalServer } from "../support/portal-server.js";
import { fixture, textArticle, listPage } from "../support/portal-server.js";
import { clock, memoryLog, resources, testConfig } from "./helpers.js";
import { GBK_2019, HZ_PAGE, HZ_PDF, PT_2019, PT_2022, PT_2024, SY_2023, ptList, startSite } from "./site.js";

const res = resources();
let srv: PortalServer | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  srv = undefined;
});

async function setup() {
  const site = await startSite();
  srv = site.srv;
  const store = await res.store();
  const c = clock();
  const deps = (over: Partial<CycleDeps> = {}): CycleDeps => ({
    store,
    fetcher: res.fetcher(),
    portals: site.portals,
    now: c.now,
    log: memoryLog(),
    config: testConfig,
    ...over,
  });
  return { ...site, store, clock: c, deps };
}

const ids = (store: Store) => store.eventsAfter(0, 1e6).then((es) => es.map((e) => e.id));

describe("runCycle", () => {
  it("baselines every portal, parses GBK, HTML, paginated and PDF-attachment reports, then finds nothing new", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    const first = await runCycle(deps());
    expect(first.failed).toBe(0);
    expect(first.baseline).toBe(4);
    expect(first.newReports).toBe(0);
    expect(first.events.map((e) => e.kind)).toEqual(["baseline", "baseline", "baseline", "baseline"]);
    expect(await store.countReports()).toBe(5);

    const gbk = await store.getReport(reportIdFor(s.url(GBK_2019)));
    expect(gbk?.report.agency).toBe("平潭综合实验区");
    expect(gbk?.report.year).toBe(2019);
    expect(gbk?.report.requests?.newReceived?.[6]).toBe(23);

    const hz = await store.getReport(reportIdFor(s.url(HZ_PAGE)));
    expect(hz?.url).toBe(s.url(HZ_PAGE));
    expect(hz?.attachmentUrl).toBe(s.url(HZ_PDF));
    expect(hz?.rawType).toBe("pdf");
    expect(hz?.report.year).toBe(2023);
    expect(hz?.report.requests?.newReceived?.[6]).toBe(21);
    // The raw PDF is kept by hash for `reparse`.
    expect((await store.getRaw(hz!.contentHash))?.length).toBe(fixture("hongze-2023.pdf").length);

    const sy = await store.getReport(reportIdFor(s.url(SY_2023)));
    expect(sy?.report.agency).toBe("沭阳县发展和改革局");
    expect(s.count("/sy/index_1.html")).toBe(1);

    const ptBaseline = first.events.find((e) => e.id === "baseline:pt");
    expect(ptBaseline?.reportIds.sort()).toEqual([reportIdFor(s.url(PT_2024)), reportIdFor(s.url(PT_2022))].sort());
    expect(ptBaseline?.detail?.years).toEqual([2022, 2024]);
    // The 工作要点 link on every list page is not a report.
    expect(s.count("/gzyd.html")).toBe(0);

    c.advance(120);
    const before = s.requests.length;
    const second = await runCycle(deps());
    expect(second).toMatchObject({ portalsChecked: 4, newReports: 0, updated: 0, failed: 0, baseline: 0, events: [] });
    const again = s.requests.slice(before);
    // Conditional requests: the list pages and the rechecked articles carry validators → 304.
    const ptList2 = again.find((r) => r.path === "/pt/")!;
    expect(ptList2.headers["if-none-match"]).toBeTruthy();
    expect(ptList2.status).toBe(304);
    expect(again.find((r) => r.path === "/gbk/")?.headers["if-modified-since"]).toBe("Mon, 20 Jan 2020 07:22:00 GMT");
    expect(again.filter((r) => r.path === PT_2024).every((r) => r.status === 304)).toBe(true);
    expect(await store.countReports()).toBe(5);
    expect((await ids(store)).length).toBe(4);
  });

  it("reports a report that appears after the baseline as new, exactly once", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    await runCycle(deps({ onlyPortals: ["pt"] }));
    ptList(s, [
      { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
      { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
      { path: PT_2019, title: "平潭综合实验区2019年度政府信息公开工作年度报告" },
    ]);
    c.advance(60);
    const r = await runCycle(deps({ onlyPortals: ["pt"] }));
    const id = reportIdFor(s.url(PT_2019));
    expect(r.newReports).toBe(1);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ id: `new:${id}`, kind: "new", portalId: "pt", reportIds: [id] });
    expect(r.events[0]!.detail?.year).toBe(2019);
    c.advance(60);
    const again = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(again.events).toEqual([]);
    expect((await ids(store)).filter((x) => x.startsWith("new:"))).toEqual([`new:${id}`]);
  });

  it("makes an updated event with the figure changes when a known report's tables change", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    await runCycle(deps({ onlyPortals: ["pt"] }));
    // The agency corrected 本年新收 from 217 to 317 (and its row total).
    const fixed = fixture("004.txt").toString("utf8").replace("一、本年新收政府信息公开申请数量21710000218", "一、本年新收政府信息公开申请数量31710000318");
    s.page(PT_2024, textArticle(fixed), { etag: true });
    c.advance(60);
    const r = await runCycle(deps({ onlyPortals: ["pt"] }));
    const id = reportIdFor(s.url(PT_2024));
    expect(r.updated).toBe(1);
    expect(r.events).toHaveLength(1);
    const ev = r.events[0]!;
    expect(ev.kind).toBe("updated");
    expect(ev.id).toMatch(new RegExp(`^updated:${id}:[0-9a-f]{16}$`));
    // The event carries the change as values, never as sentences (rendered per chat language).
    expect(ev.changes).toBeUndefined();
    expect(ev.figureChanges).toContainEqual(expect.objectContaining({ key: "newReceived", prev: 218, cur: 318 }));
    expect((await store.getReport(id))?.report.requests?.newReceived?.[0]).toBe(317);
    // Same bytes again: no second event.
    c.advance(60);
    expect((await runCycle(deps({ onlyPortals: ["pt"] }))).events).toEqual([]);
  });

  it("stores a changed page with unchanged tables quietly (page chrome is not news)", async () => {
    const { srv: s, deps, clock: c } = await setup();
    await runCycle(deps({ onlyPortals: ["pt"] }));
    const html = textArticle(fixture("004.txt").toString("utf8")).toString("utf8").replace("</body>", "<p>浏览次数：1234</p></body>");
    s.page(PT_2024, html, { etag: true });
    c.advance(60);
    const r = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(r.events).toEqual([]);
    expect(r.updated).toBe(0);
  });

  it("counts failures, alerts once after N, and announces recovery once", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    const okList = listPage([{ href: "./202401/t20240125_1.html", title: "洪泽区人民政府2023年政府信息公开工作年度报告" }]);
    await runCycle(deps({ onlyPortals: ["hz"] }));
    s.failThen("/hz/", 1000, () => undefined, 500);
    const kinds: string[][] = [];
    const nexts: number[] = [];
    for (let i = 0; i < 4; i++) {
      c.advance(60);
      const r = await runCycle(deps({ onlyPortals: ["hz"] }));
      expect(r.failed).toBe(1);
      kinds.push(r.events.map((e) => e.kind));
      const st = await store.getPortalState("hz");
      expect(st?.failures).toBe(i + 1);
      expect(st?.lastError).toContain("500");
      nexts.push(Date.parse(st!.nextCheckAt!) - c.now().getTime());
    }
    // PORTAL_FAILURE_ALERT = 2: one alert at the second failure, silence after.
    expect(kinds).toEqual([[], ["portalDown"], [], []]);
    // Backoff: each failure waits longer.
    for (let i = 1; i < nexts.length; i++) expect(nexts[i]!).toBeGreaterThan(nexts[i - 1]!);
    s.page("/hz/", okList);
    c.advance(60);
    const rec = await runCycle(deps({ onlyPortals: ["hz"] }));
    expect(rec.events.map((e) => e.kind)).toEqual(["portalRecovered"]);
    expect((await store.getPortalState("hz"))?.failures).toBe(0);
    c.advance(60);
    expect((await runCycle(deps({ onlyPortals: ["hz"] }))).events).toEqual([]);
    const all = await store.eventsAfter(0, 100);
    expect(all.filter((e) => e.kind === "portalDown")).toHaveLength(1);
    expect(all.filter((e) => e.kind === "portalRecovered")).toHaveLength(1);
    expect(all.find((e) => e.kind === "portalDown")?.detail?.error).toMatch(/500/);
  });

  it("keeps an unparseable page as a note, not an event, and does not refetch it every cycle", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    await runCycle(deps({ onlyPortals: ["pt"] }));
    ptList(s, [
      { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
      { path: "/pt/202601/t1.htm", title: "平潭综合实验区2025年度政府信息公开工作年度报告" },
    ]);
    s.page("/pt/202601/t1.htm", "<html><body><p>页面维护中</p></body></html>");
    c.advance(60);
    const r = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(r.events).toEqual([]);
    expect(r.unparsed).toBe(1);
    const notes = await store.getMeta("watch:unparsed:pt");
    expect(Object.keys(notes ?? {})).toEqual([s.url("/pt/202601/t1.htm")]);
    c.advance(60);
    await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(s.count("/pt/202601/t1.htm")).toBe(1);
  });

  it("picks only due portals when asked, and the enrich hook sees every report before it is stored", async () => {
    const { store, deps, clock: c } = await setup();
    const seen: string[] = [];
    await runCycle(
      deps({
        onlyPortals: ["pt", "gbk"],
        enrich: async (r) => {
          seen.push(r.id);
          return { ...r, agencyKey: "enriched" };
        },
      }),
    );
    expect(seen).toHaveLength(3);
    expect((await store.findReports({ agencyKey: "enriched" })).length).toBe(3);
    c.advance(10);
    const notDue = await runCycle(deps({ dueOnly: true }));
    // pt and gbk were checked 10 minutes ago (hourly in February); hz and sy never were.
    expect(notDue.portalsChecked).toBe(2);
    expect(notDue.baseline).toBe(2);
  });

  it("finishes a baseline only when its reports could be fetched, and retries a new report that failed", async () => {
    const { srv: s, store, deps, clock: c } = await setup();
    const ok = (path: string) => textArticle(fixture(path === PT_2024 ? "004.txt" : "003.txt").toString("utf8"));
    s.failThen(PT_2022, 1, (_q, r) => void r.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(ok(PT_2022)), 503);
    const first = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(first.articleErrors).toBe(1);
    expect(first.baseline).toBe(0);
    expect(first.events).toEqual([]);
    expect((await store.getPortalState("pt"))?.baselineDone).toBe(false);
    c.advance(60);
    const second = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(second.events.map((e) => e.kind)).toEqual(["baseline"]);
    expect(second.events[0]!.reportIds).toHaveLength(2);
    expect(second.newReports).toBe(0);

    // After the baseline: a new report whose first fetch fails is retried by the next cycle.
    s.failThen(PT_2019, 1, (_q, r) => void r.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(textArticle(fixture("002.txt").toString("utf8"))), 500);
    ptList(s, [
      { path: PT_2019, title: "平潭综合实验区2019年度政府信息公开工作年度报告" },
      { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
      { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
    ]);
    c.advance(60);
    expect((await runCycle(deps({ onlyPortals: ["pt"] }))).events).toEqual([]);
    c.advance(60);
    const retried = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(retried.events.map((e) => e.kind)).toEqual(["new"]);
    expect(retried.events[0]!.reportIds).toEqual([reportIdFor(s.url(PT_2019))]);
  });

  it("tells admins once when a column shows no report links", async () => {
    const { srv: s, deps, clock: c } = await setup();
    s.page("/pt/", "<html><body><div id=list></div><script src=list.js></script></body></html>");
    const r = await runCycle(deps({ onlyPortals: ["pt"] }));
    expect(r.events.map((e) => e.kind).sort()).toEqual(["baseline", "noReport"]);
    c.advance(60);
    expect((await runCycle(deps({ onlyPortals: ["pt"] }))).events).toEqual([]);
  });

  it("keeps per-host politeness across a whole cycle: requests to the host never overlap and keep the gap", async () => {
    const { srv: s, deps } = await setup();
    const gap = 200;
    const r = await runCycle(deps({ fetcher: res.fetcher({ hostGapMs: gap }) }));
    expect(r.baseline).toBe(4);
    const seen = [...s.requests].sort((a, b) => a.start - b.start);
    expect(seen.length).toBeGreaterThanOrEqual(10);
    // Arrival times seen by the server carry the loopback's scheduling jitter (large on a loaded
    // CI machine), so each gap gets a wide margin and the average a narrow one; a politeness bug
    // (no gap, or concurrent requests) would be off by a whole gap.
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.start - seen[i - 1]!.start).toBeGreaterThanOrEqual(gap / 2);
      expect(seen[i]!.start).toBeGreaterThanOrEqual(seen[i - 1]!.end - 5);
    }
    const span = seen.at(-1)!.start - seen[0]!.start;
    expect(span / (seen.length - 1)).toBeGreaterThanOrEqual(gap - 10);
  });

  it("does not re-download an unchanged PDF when only its article page changed", async () => {
    const { srv: s, deps, clock: c } = await setup();
    await runCycle(deps({ onlyPortals: ["hz"] }));
    s.page(
      HZ_PAGE,
      `<html><head><meta charset="utf-8"></head><body><h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1>` +
        `<p>附件：<a href="./P020240125.pdf">洪泽区2023年政府信息公开工作年度报告.pdf</a></p><p>浏览次数：99</p></body></html>`,
    );
    c.advance(60);
    const r = await runCycle(deps({ onlyPortals: ["hz"] }));
    expect(r.events).toEqual([]);
    const pdf = s.requestsTo(HZ_PDF);
    expect(pdf).toHaveLength(2);
    expect(pdf[1]!.headers["if-none-match"]).toBeTruthy();
    expect(pdf[1]!.status).toBe(304);
  });
});
