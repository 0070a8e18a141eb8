/**
 * /compare, /trend and /rank of src/bot/history.ts, on the real bot at unit speed, answering from
 * stored reports built from the corpus's hand-checked values (平潭 2019/2022/2024, 洪泽区
 * 2023/2024, 沭阳县发改局 2023).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitFigure } from "../../src/bot/history.js";
import { createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";
import { fixtureReports, portalsOf } from "../support/reports.js";

const USER = { id: 501, first_name: "研究员" };
const PRIVATE = 501;

describe("history commands", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ reports: fixtureReports(), portals: portalsOf(fixtureReports()) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("splits a trailing figure name off the subject", () => {
    expect(splitFigure("江苏 宿迁 公开率")).toEqual({ subject: "江苏 宿迁", figure: "公开率" });
    expect(splitFigure("平潭综合实验区")).toEqual({ subject: "平潭综合实验区", figure: null });
  });

  it("/compare shows the years side by side with their figures", async () => {
    const [msg] = await t.say(PRIVATE, USER, "/compare 平潭综合实验区");
    expect(msg?.text).toContain("平潭综合实验区");
    for (const y of ["2019", "2022", "2024"]) expect(msg?.text).toContain(y);
    // 平潭 2024 表三 一、本年新收 总计 (hand-checked corpus value) appears in the table.
    const newReceived2024 = fixtureReports().find((r) => r.portalId === "pingtan" && r.report.year === 2024)?.report.requests?.newReceived?.[6];
    expect(newReceived2024).toBeTypeOf("number");
    expect(msg?.text).toContain(String(newReceived2024));
  });

  it("/trend answers with a PNG chart and a caption", async () => {
    const [msg] = await t.say(PRIVATE, USER, "/trend 平潭综合实验区 新收");
    expect(msg?.photo?.content.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(msg?.photo?.content.length).toBeGreaterThan(2000);
    expect(msg?.text).toContain("平潭综合实验区");
  });

  it("/trend with an unknown figure explains the figure names", async () => {
    const [msg] = await t.say(PRIVATE, USER, "/trend 平潭综合实验区 <b>不存在</b>");
    expect(msg?.photo).toBeUndefined();
    expect(msg?.text).not.toContain("<b>不存在</b>");
  });

  it("/rank without a figure gets the usage line; with one, a ranking", async () => {
    const [usage] = await t.say(PRIVATE, USER, "/rank 江苏");
    expect(usage?.text).toContain("/rank");
    const [rank] = await t.say(PRIVATE, USER, "/rank 江苏 新收");
    expect(rank?.text).toMatch(/洪泽|沭阳/);
  });
});
