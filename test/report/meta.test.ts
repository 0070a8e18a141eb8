import { describe, expect, it } from "vitest";
import { agencyFromTitle, extractMeta, findPublishedAt } from "../../src/report/meta.js";

describe("meta", () => {
  it("reads archiver headers (标题 / 发布时间)", () => {
    const m = extractMeta("标题: 平潭综合实验区2019年度政府信息公开工作年度报告\n发布时间: 2020-01-20 15:22\n正文");
    expect(m).toMatchObject({ title: "平潭综合实验区2019年度政府信息公开工作年度报告", agency: "平潭综合实验区", year: 2019, publishedAt: "2020-01-20" });
  });

  it("joins a title broken over two lines (PDF title pages)", () => {
    const m = extractMeta("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告……");
    expect(m.title).toBe("洪泽区人民政府2023年政府信息公开工作年度报告");
    expect(m.agency).toBe("洪泽区人民政府");
  });

  it("keeps what the title says and drops a site suffix", () => {
    expect(agencyFromTitle("县政府办2022年政府信息公开工作年度报告")).toBe("县政府办");
    expect(extractMeta("标题：沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局").agency).toBe("沭阳县发展和改革局");
  });

  it("falls back to the 统计期限 year and the body agency when there is no title", () => {
    const m = extractMeta("本报告由示例区人民政府办公室编制。统计期限自2021年1月1日起至2021年12月31日止。");
    expect(m.title).toBeNull();
    expect(m.year).toBe(2021);
    expect(m.periodYear).toBe(2021);
    expect(m.agency).toBe("示例区人民政府办公室");
  });

  it("finds 发布时间 in the page, else uses the given fallback", () => {
    expect(findPublishedAt("来源:官塘驿镇 发布时间:2025-01-03打印文章")).toBe("2025-01-03");
    expect(findPublishedAt("发布日期：2024年1月7日")).toBe("2024-01-07");
    expect(extractMeta("无日期", null, "2024-02-01T08:00:00Z").publishedAt).toBe("2024-02-01");
    expect(extractMeta("无日期", null, "garbage").publishedAt).toBeNull();
  });
});

describe("title sources", () => {
  it("prefers the page <title> over a sidebar link naming another year's report", () => {
    const m = extractMeta("示例局2022年政府信息公开工作年度报告\n正文……", "示例局2023年政府信息公开工作年度报告_示例市人民政府");
    expect(m.title).toBe("示例局2023年政府信息公开工作年度报告");
    expect(m.year).toBe(2023);
  });
});
