import { describe, expect, it } from "vitest";
import {
  canonicalUrl,
  extractReportLinks,
  findAttachments,
  findColumnLink,
  findNextPage,
  findOpenGovLink,
  hasTables,
  isReportTitle,
  scanListPage,
  yearFromTitle,
} from "../../src/watch/discover.js";

const BASE = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/";

describe("canonicalUrl", () => {
  it("lowercases the host, drops default port, fragment and tracking parameters", () => {
    expect(canonicalUrl("HTTPS://WWW.Pingtan.GOV.cn:443/a/b.htm?utm_source=x&id=2&spm=1#top")).toBe("https://www.pingtan.gov.cn/a/b.htm?id=2");
    expect(canonicalUrl("./202001/t20200120_80576.htm", BASE)).toBe(`${BASE}202001/t20200120_80576.htm`);
    expect(canonicalUrl("http://a.gov.cn:80/x?b=1&a=2")).toBe("http://a.gov.cn/x?a=2&b=1");
    expect(canonicalUrl("javascript:void(0)")).toBeNull();
    expect(canonicalUrl("not a url")).toBeNull();
  });
});

describe("report titles", () => {
  it("accepts 年报 titles and rejects plans, notices and graphics", () => {
    expect(isReportTitle("平潭综合实验区2024年度政府信息公开工作年度报告")).toBe(true);
    expect(isReportTitle("沭阳县发展和改革局2023年政府信息公开年度报告")).toBe(true);
    expect(isReportTitle("2023年政府信息公开年报")).toBe(true);
    expect(isReportTitle("2024年政务公开工作要点")).toBe(false);
    expect(isReportTitle("图解：2023年度政府信息公开工作年度报告")).toBe(false);
    expect(isReportTitle("关于报送2023年度政府信息公开工作年度报告的通知")).toBe(false);
    expect(isReportTitle("2023年度", "http://x.gov.cn/gknb/2024/a.html")).toBe(true);
    expect(isReportTitle("2023年度", "http://x.gov.cn/news/a.html")).toBe(false);
    expect(yearFromTitle("平潭综合实验区2019年度政府信息公开工作年度报告")).toBe(2019);
    expect(yearFromTitle("政府信息公开年报")).toBeNull();
  });
});

describe("extractReportLinks", () => {
  const html = `
    <ul>
      <li><a href="./202503/t20250310_97791.htm" title="平潭综合实验区2024年度政府信息公开工作年度报告">平潭综合实验区2024年度政府信息…</a></li>
      <li><a href="./202302/t20230220_80629.htm#x">平潭综合实验区2022年度政府信息公开工作年度报告</a></li>
      <li><a href="./202302/t20230220_80629.htm">平潭综合实验区2022年度政府信息公开工作年度报告</a></li>
      <li><a href="https://evil.example.com/nb.htm">某地2023年度政府信息公开工作年度报告</a></li>
      <li><a href="/zwgk/gzyd/1.htm">2024年政务公开工作要点</a></li>
      <li><a href="javascript:void(0)">2023年度政府信息公开工作年度报告</a></li>
      <li><a href="/pic/nb.jpg">2023年度报告</a></li>
    </ul>`;
  it("keeps same-site report links, full titles, years, without duplicates", () => {
    const links = extractReportLinks(html, BASE);
    expect(links).toEqual([
      { url: `${BASE}202503/t20250310_97791.htm`, title: "平潭综合实验区2024年度政府信息公开工作年度报告", year: 2024 },
      { url: `${BASE}202302/t20230220_80629.htm`, title: "平潭综合实验区2022年度政府信息公开工作年度报告", year: 2022 },
    ]);
  });
  it("treats www. and the bare domain as one site", () => {
    const links = extractReportLinks('<a href="https://pingtan.gov.cn/a.htm">2023年度政府信息公开工作年度报告</a>', BASE);
    expect(links).toHaveLength(1);
  });
  it("uses per-portal selectors when given", () => {
    const page = `<div class="other"><a href="/x.htm">2023年度政府信息公开工作年度报告</a></div>
      <div class="list"><a class="t" href="/y.htm">第一篇</a></div>`;
    const links = extractReportLinks(page, BASE, { list: ".list", link: "a.t" });
    expect(links.map((l) => l.url)).toEqual(["https://www.pingtan.gov.cn/y.htm"]);
  });
});

describe("pagination", () => {
  it("follows 下一页 links", () => {
    expect(findNextPage('<a href="index_2.html">下一页</a><a href="index.html">首页</a>', `${BASE}index_1.html`)).toBe(`${BASE}index_2.html`);
    expect(findNextPage('<a href="javascript:;">下一页</a>', BASE)).toBeNull();
  });
  it("scanListPage reads links and the next page in one pass", () => {
    const page = '<a href="./1.htm">2023年度政府信息公开工作年度报告</a><script>createPageHTML(3, 1, "index", "html");</script>';
    const r = scanListPage(page, `${BASE}index_1.html`);
    expect(r.links.map((l) => l.year)).toEqual([2023]);
    expect(r.next).toBe(`${BASE}index_2.html`);
  });
  it("reads TRS createPageHTML(total, current, prefix, suffix)", () => {
    expect(findNextPage('<script>createPageHTML(5, 0, "index", "shtml");</script>', BASE)).toBe(`${BASE}index_1.shtml`);
    expect(findNextPage("<script>createPageHTML('5','3','index','html')</script>", `${BASE}index_3.html`)).toBe(`${BASE}index_4.html`);
    expect(findNextPage('<script>createPageHTML(5, 4, "index", "html");</script>', `${BASE}index_4.html`)).toBeNull();
  });
});

describe("attachments and columns", () => {
  it("finds PDF and Word attachments, PDFs first", () => {
    const page = `<a href="/up/a.docx">附件2</a><a href="/up/P0202401.pdf">洪泽区2023年报</a>
      <a href="/download?id=5">洪泽区2023年政府信息公开工作年度报告.pdf</a><a href="/x.html">返回</a>`;
    const atts = findAttachments(page, "http://www.hongze.gov.cn/art/2024/1/25/a.html");
    expect(atts.map((a) => [a.ext, a.url])).toEqual([
      ["pdf", "http://www.hongze.gov.cn/up/P0202401.pdf"],
      ["pdf", "http://www.hongze.gov.cn/download?id=5"],
      ["docx", "http://www.hongze.gov.cn/up/a.docx"],
    ]);
  });
  it("tells a table page from a text page", () => {
    const cells = Array.from({ length: 14 }, (_, i) => `<td>${i}</td>`).join("");
    expect(hasTables(`<table><tr>${cells}</tr></table>`)).toBe(true);
    expect(hasTables("<table><tr><td>名称</td><td>x</td></tr></table><p>正文</p>")).toBe(false);
  });
  it("finds the 年报 column and the 政务公开 page by link text", () => {
    const home = `<a href="/zwgk/">政务公开</a><a href="/xw/">新闻</a>`;
    expect(findOpenGovLink(home, "https://www.pingtan.gov.cn/")).toBe("https://www.pingtan.gov.cn/zwgk/");
    const og = `<a href="./zfxxgk/zfxxgknb/2024.htm">平潭2024年度政府信息公开工作年度报告</a>
      <a href="./gzyd/">政务公开工作要点</a><a href="./zfxxgk/zfxxgknb/">政府信息公开年报</a>`;
    expect(findColumnLink(og, "https://www.pingtan.gov.cn/zwgk/")).toBe(BASE);
    expect(findColumnLink(home, "https://www.pingtan.gov.cn/")).toBeNull();
  });
});
