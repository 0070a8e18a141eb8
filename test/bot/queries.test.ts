/**
 * /latest, /report and /anomalies of src/bot/queries.ts (with their choice keyboards), on the real
 * bot at unit speed over reports built from real, hand-checked figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";
import { bigReport, evilReport, expectedOf, fixtureReports, portalsOf } from "../support/reports.js";

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

let t: TestBot;
beforeAll(async () => {
  const reports = fixtureReports();
  t = await createTestBot({ reports: [...reports, bigReport(reports[0]!), evilReport(reports[0]!)], portals: portalsOf(reports) });
});
afterAll(async () => {
  await t?.stop();
});

describe("queries", () => {
  it("/latest answers with the report's own figures and findings (沭阳县发改局 2023)", async () => {
    const e = expectedOf("reports/001.html");
    const [r] = await t.say(401, { id: 401 }, "/latest 沭阳县发改");
    expect(r!.parse_mode).toBe("HTML");
    expect(r!.plain).toContain("沭阳县发展和改革局 2023 年度");
    expect(r!.plain).toMatch(new RegExp(`新收[^\\n]*${e.table3!.newReceived![6]}`));
    expect(r!.plain).toContain("未发现问题");
  });

  it("/latest picks the newest year and lists errors first (洪泽区)", async () => {
    const [r] = await t.say(401, { id: 401 }, "/latest 洪泽区");
    // 洪泽区 2024 is the newest stored year.
    expect(r!.plain).toContain("淮安市洪泽区人民政府 2024 年度");
  });

  it("several matches → keyboard → press → answer; the keyboard is replaced", async () => {
    const [kb] = await t.say(402, { id: 402 }, "/latest 区");
    expect(kb!.plain).toContain("请选择");
    const buttons = (kb!.reply_markup as Keyboard).inline_keyboard.flat();
    expect(buttons.map((b) => b.text).sort()).toEqual(["平潭综合实验区", "淮安市洪泽区人民政府"].sort());
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const hongze = buttons.find((b) => b.text === "淮安市洪泽区人民政府")!;
    const { sent } = await t.press(402, { id: 402 }, kb!.message_id, hongze.callback_data);
    expect(sent[0]!.plain).toContain("淮安市洪泽区人民政府 2024 年度");
    const edited = t.messages(402).find((m) => m.message_id === kb!.message_id)!;
    expect(edited.plain).toBe("✅ 淮安市洪泽区人民政府");
    expect(edited.reply_markup).toBeUndefined();
    expect(t.callsOf("answerCallbackQuery").length).toBeGreaterThan(0);
  });

  it("no match → the closest names", async () => {
    const [r] = await t.say(404, { id: 404 }, "/latest 洪泽县政府");
    expect(r!.plain).toContain("没有找到与“洪泽县政府”匹配的机关");
    expect(r!.plain).toContain("您是不是要找");
    expect(r!.plain).toContain("淮安市洪泽区人民政府");
  });

  it("/report splits a long report over several messages, each ≤ 4096, at row boundaries", async () => {
    const parts = await t.say(405, { id: 405 }, "/report 测试拆分局 2023");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.plain.length).toBeLessThanOrEqual(4096);
    const all = parts.map((p) => p.plain).join("\n");
    expect(all).toContain("一、本年新收政府信息公开申请数量");
    expect(all).toContain("四、结转下年度继续办理");
    for (let i = 1; i <= 150; i += 37) expect(parts.filter((p) => p.plain.includes(`第 ${i} 条：`))).toHaveLength(1);
  });

  it("/report with several matches → keyboard → the chosen agency's report of that year", async () => {
    const [kb] = await t.say(407, { id: 407 }, "/report 区 2023");
    const buttons = (kb!.reply_markup as Keyboard).inline_keyboard.flat();
    const { sent } = await t.press(407, { id: 407 }, kb!.message_id, buttons.find((b) => b.text === "淮安市洪泽区人民政府")!.callback_data);
    const text = sent.map((m) => m.plain).join("\n");
    expect(text).toContain("四、政府信息公开行政复议");
    expect(text).toContain("淮安市洪泽区人民政府 2023 年度");
    expect(text).toContain("行政复议：结果维持 10 · 结果纠正 1");
  });

  it("/report for a year not stored lists the stored years", async () => {
    const [r] = await t.say(405, { id: 405 }, "/report 洪泽区 2020");
    expect(r!.plain).toContain("2023、2024");
  });

  it("/anomalies [region] lists current findings (each agency's newest report), errors first", async () => {
    const [r] = await t.say(406, { id: 406 }, "/anomalies 江苏");
    expect(r!.plain).toContain("测试拆分局");
    expect(r!.plain).not.toContain("平潭");
    // 洪泽区's newest report (2024) is clean: its 2023 errors are history, not current findings.
    expect(r!.plain).not.toContain("洪泽区");
    // 平潭's 2022 warning is superseded by its clean 2024 report.
    const [p] = await t.say(406, { id: 406 }, "/anomalies 平潭");
    expect(p!.plain).toBe("当前没有发现问题。");
  });
});

describe("hostile input", () => {
  it("HTML in arguments is echoed back escaped", async () => {
    const [r] = await t.say(501, { id: 501 }, "/latest <b>局</b>&amp;<script>");
    expect(r!.plain).toContain("“<b>局</b>&amp;<script>”");
  });

  it("HTML in stored agency names and findings is escaped (the fake API rejects malformed HTML as Telegram does)", async () => {
    const [r] = await t.say(507, { id: 507 }, "/latest 恶意局");
    expect(r!.plain).toContain("<script>恶意局</script>&amp;");
    expect(r!.plain).toContain("表三 <总计> & 合计不符");
  });
});
