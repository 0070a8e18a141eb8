/**
 * "Is this report late?" has one answer (issue 8's first bug): a department's 2024 report
 * published on 2025-02-15 on a portal whose level is `government` was 按时发布（截止 2025-03-31）in
 * the alert, 逾期 in /latest and late in its own finding. The body's own level decides.
 */
import { afterAll, describe, expect, it } from "vitest";
import { annotateWithHistory } from "../../src/agency/analyze.js";
import { publishedDate, timeliness } from "../../src/agency/deadline.js";
import { formatDigest, formatNewReport } from "../../src/render/alerts.js";
import { renderLatest } from "../../src/render/replies.js";
import { portal, tempStore } from "../notify/fixtures.js";
import { corpusEntries, reportFromEntry, stored } from "../support/reports.js";

const entry = corpusEntries().find((e) => e.agency.includes("发展和改革局"))!;
const govPortal = portal("sy", "沭阳县人民政府", "江苏 宿迁 沭阳", "government");
const department = stored(reportFromEntry(entry, [], { agency: "沭阳县发展和改革局", year: 2024, publishedAt: null }), "sy", {
  publishedAt: "2025-02-15",
});
const text = (parts: string[]): string => parts.join("\n");

describe("one answer to 'is this report late?'", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("the department's own level wins over the government portal's: deadline 2025-01-31, late", () => {
    expect(timeliness(department, govPortal)).toEqual({ level: "department", deadline: "2025-01-31", published: "2025-02-15", late: true, daysLate: 15 });
  });

  it("the alert, /latest, the digest and the deadline finding agree", async () => {
    const alert = text(formatNewReport({ report: department, portal: govPortal }, "zh"));
    expect(alert).toContain("逾期发布（截止 2025-01-31，晚 15 天）");
    expect(alert).not.toContain("按时发布");

    expect(text(renderLatest(department, "zh", govPortal))).toContain("发布日期：2025-02-15（逾期）");

    const digest = text(formatDigest([{ report: department, portal: govPortal, kind: "new" }], { from: new Date("2025-02-15T00:00:00Z"), to: new Date("2025-02-16T00:00:00Z"), mode: "daily" }, "Asia/Shanghai", "zh"));
    expect(digest).toContain("逾期发布");

    const { store, cleanup } = await tempStore();
    cleanups.push(cleanup);
    await store.open();
    const annotated = await annotateWithHistory(store, department);
    const late = annotated.report.findings.filter((f) => f.rule === "deadline.late");
    expect(late).toHaveLength(1);
    expect(late[0]!.message).toContain("晚于部门年报的法定期限2025-01-31");
  });

  it("the same report from a government is on time everywhere", async () => {
    const gov = { ...department, report: { ...department.report, agency: "沭阳县人民政府" } };
    expect(timeliness(gov, govPortal)?.late).toBe(false);
    expect(text(formatNewReport({ report: gov, portal: govPortal }, "zh"))).toContain("按时发布（截止 2025-03-31）");
    expect(text(renderLatest(gov, "zh", govPortal))).not.toContain("逾期");
    const digest = text(formatDigest([{ report: gov, portal: govPortal, kind: "new" }], { from: new Date("2025-02-15T00:00:00Z"), to: new Date("2025-02-16T00:00:00Z"), mode: "daily" }, "Asia/Shanghai", "zh"));
    expect(digest).not.toContain("逾期");
    const { store, cleanup } = await tempStore();
    cleanups.push(cleanup);
    await store.open();
    expect((await annotateWithHistory(store, gov)).report.findings.some((f) => f.rule === "deadline.late")).toBe(false);
  });

  it("the portal's date wins over the printed one; junk dates are unknown", () => {
    expect(publishedDate({ publishedAt: "2025-02-15T08:00:00+08:00", report: { year: 2024, agency: null, title: null, publishedAt: "2025-01-10" } })).toBe("2025-02-15");
    expect(publishedDate({ publishedAt: null, report: { year: 2024, agency: null, title: null, publishedAt: "2025-01-10" } })).toBe("2025-01-10");
    expect(publishedDate({ publishedAt: "不详", report: { year: 2024, agency: null, title: null } })).toBeNull();
  });
});
