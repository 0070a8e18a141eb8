import { describe, expect, it } from "vitest";
import { checkReport } from "../../../src/report/rules/index.js";
import { findHeadings, statedPeriodYears, titleYear } from "../../../src/report/rules/structure.js";
import { byRule, cleanReport, cleanText } from "./helpers.js";

const run = (text: string, over = {}) => checkReport({ report: cleanReport(over), text });

describe("section headings", () => {
  it("finds the six sections on their own lines and inline (archiver text)", () => {
    expect(findHeadings(cleanText()).map((h) => h.section)).toEqual([1, 2, 3, 4, 5, 6]);
    const inline = cleanText().replace(/\n/g, " ");
    expect(findHeadings(inline).map((h) => h.section)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it("does not take table labels (二、上年结转… 三、本年度办理结果 四、结转下年度) for headings", () => {
    const t = `${cleanText()}\n一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n三、本年度办理结果\n四、结转下年度继续办理`;
    expect(findHeadings(t)).toHaveLength(6);
    expect(byRule(run(t), "structure")).toEqual([]);
  });
  it("matches loosely: typo 行政法复议, section five titled 整改措施, half-width dot", () => {
    const t = cleanText()
      .replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况")
      .replace("五、存在的主要问题及改进情况", "五.存在的主要问题及整改措施");
    expect(byRule(run(t), "completeness.section")).toEqual([]);
  });
  it("accepts the older wording of sections 四 and 五", () => {
    const t = cleanText()
      .replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开申请行政复议、提起行政诉讼的情况")
      .replace("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况");
    expect(findHeadings(t).map((h) => h.section)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it("reports missing sections (a truncated document)", () => {
    const t = cleanText().split("三、收到和处理")[0]!;
    const f = byRule(run(t), "completeness.section");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toContain("三部分“收到和处理政府信息公开申请情况”");
    expect(f[0]!.message).toContain("六部分“其他需要报告的事项”");
  });
  it("does not count the intro's list of section titles (no numerals) as headings", () => {
    const intro = "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。";
    const t = `${intro}\n一、总体情况\n正文。`;
    expect(byRule(run(t), "completeness.section")[0]!.message).toContain("第二部分");
  });
  it("reports a duplicated heading (seed 003)", () => {
    const t = cleanText().replace("一、总体情况", "一、总体情况\n\n一、总体情况");
    const f = byRule(run(t), "structure.duplicateHeading");
    expect(f).toEqual([expect.objectContaining({ severity: "warning", message: "标题“一、总体情况”重复出现2次" })]);
  });
  it("reports misnumbered and out-of-order headings", () => {
    const t = cleanText().replace("五、存在的主要问题", "三、存在的主要问题");
    const f = byRule(run(t), "structure.misnumbered");
    expect(f.map((x) => x.message)).toContain("标题“存在的主要问题及改进情况”编号为“三、”，应为“五、”");
    const swapped = cleanText()
      .replace("五、存在的主要问题及改进情况\n工作仍有不足。", "@@")
      .replace("四、政府信息公开", "五、存在的主要问题及改进情况\n工作仍有不足。\n四、政府信息公开")
      .replace("@@", "");
    expect(byRule(run(swapped), "structure.misnumbered").map((x) => x.message)).toContain("第五部分“存在的主要问题及改进情况”出现在第四部分“政府信息公开行政复议、行政诉讼情况”之前");
  });
  it("says once that no heading was recognised, as info, and skips pre-2019 reports", () => {
    const f = byRule(run("一段没有标题的文字。"), "completeness.section");
    expect(f).toEqual([expect.objectContaining({ severity: "info" })]);
    expect(byRule(run("一段没有标题的文字。", { layout: "pre-2019", year: 2015 }), "completeness.section")).toEqual([]);
  });
});

describe("narrative.placeholder", () => {
  it("flags a count with no number (seed 003 pattern and others)", () => {
    for (const s of ["全年共主动公开各类政府信息条；", "全年公开核准企业资质条、施工许可证76条。", "累计发布政策解读篇，"]) {
      const f = byRule(run(cleanText(s)), "narrative.placeholder");
      expect(f, s).toHaveLength(1);
      expect(f[0]!.severity).toBe("warning");
    }
  });
  it("leaves real counts and ordinary words alone", () => {
    for (const s of [
      "全年共主动公开政府信息1234条；",
      "全年公开文件、通知和公告。",
      "公开一条、两件。",
      "及时更新头条，",
      "依据政府信息公开条例办理；",
      "全年发布政策解读多篇，",
    ]) {
      expect(byRule(run(cleanText(s)), "narrative.placeholder"), s).toEqual([]);
    }
  });
});

describe("meta.yearMismatch", () => {
  it("reads the statistics period in its common phrasings, with spaces from PDFs", () => {
    expect(statedPeriodYears("本报告所列数据统计期限为2021年1月1日至2021年12月31日")).toEqual([2021]);
    expect(statedPeriodYears("数据统计期限自 2024 年 1 月 1 日\n起至 2024 年 12 月 31 日止")).toEqual([2024]);
    expect(statedPeriodYears("统计时限为2022年1月1日至2023年12月31日")).toEqual([2022, 2023]);
    expect(titleYear(null, "\n某县2020年度政府信息公开工作年度报告\n")).toBe(2020);
  });
  it("warns when the title or the period disagree with the report year", () => {
    const t = cleanText().replace("统计期限为2023年1月1日至2023年12月31日", "统计期限为2022年1月1日至2022年12月31日");
    const f = byRule(run(t), "meta.yearMismatch");
    expect(f).toEqual([expect.objectContaining({ severity: "warning", message: "统计期限写为2022年，与报告年度2023年不符" })]);
    const f2 = byRule(checkReport({ report: cleanReport({ title: "某某县人民政府2022年政府信息公开工作年度报告" }), text: cleanText() }), "meta.yearMismatch");
    expect(f2[0]!.message).toBe("标题年度为2022年，报告年度却为2023年");
  });
  it("is silent when everything agrees or the year is unknown", () => {
    expect(byRule(run(cleanText()), "meta.yearMismatch")).toEqual([]);
    expect(byRule(run(cleanText(), { year: null }), "meta.yearMismatch")).toEqual([]);
  });
});
