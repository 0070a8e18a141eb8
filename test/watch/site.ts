/** A small loopback "internet" of four real-looking 年报 columns built from the corpus fixtures. */
import iconv from "iconv-lite";
import type { PortalEntry } from "../../src/store/types.js";
import { PortalServer, fixture, listPage, textArticle } from "../support/portal-server.js";

export const PT_2024 = "/pt/202503/t20250310_97791.htm";
export const PT_2022 = "/pt/202302/t20230220_80629.htm";
export const PT_2019 = "/pt/202001/t20200120_80576.htm";
export const GBK_2019 = "/gbk/202001/t20200120_80576.htm";
export const HZ_PAGE = "/hz/202401/t20240125_1.html";
export const HZ_PDF = "/hz/202401/P020240125.pdf";
export const SY_2023 = "/sy/202401/2ecfb31a335f4d689220a3a23e24a986.shtml";

/** Registers the pt list with the given articles (hrefs relative to /pt/). */
export function ptList(srv: PortalServer, items: { path: string; title: string }[]): void {
  srv.page("/pt/", listPage(items.map((i) => ({ href: `.${i.path.slice(3)}`, title: i.title }))), { etag: true });
}

/** Starts a server with four portals; returns it with their registry entries. */
export async function startSite(): Promise<{ srv: PortalServer; portals: PortalEntry[] }> {
  const srv = await PortalServer.start();
  // 平潭 (UTF-8 text articles, ETag everywhere)
  ptList(srv, [
    { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
    { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
  ]);
  srv.page(PT_2024, textArticle(fixture("004.txt").toString("utf8")), { etag: true });
  srv.page(PT_2022, textArticle(fixture("003.txt").toString("utf8")), { etag: true });
  srv.page(PT_2019, textArticle(fixture("002.txt").toString("utf8")), { etag: true });
  // A GBK column: the header names no charset, the page says gb2312 in <meta>.
  srv.page("/gbk/", iconvList(), { contentType: "text/html", lastModified: "Mon, 20 Jan 2020 07:22:00 GMT" });
  srv.page(GBK_2019, textArticle(fixture("002.txt").toString("utf8"), "gbk"), {
    contentType: "text/html",
    lastModified: "Mon, 20 Jan 2020 07:22:00 GMT",
  });
  // 洪泽: the article only links the PDF.
  srv.page("/hz/", listPage([{ href: "./202401/t20240125_1.html", title: "洪泽区人民政府2023年政府信息公开工作年度报告" }]));
  srv.page(
    HZ_PAGE,
    `<html><head><meta charset="utf-8"><title>洪泽区人民政府2023年政府信息公开工作年度报告</title></head><body>` +
      `<h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1><p>附件：<a href="./P020240125.pdf">洪泽区2023年政府信息公开工作年度报告.pdf</a></p></body></html>`,
  );
  srv.page(HZ_PDF, fixture("hongze-2023.pdf"), { contentType: "application/pdf", etag: true });
  // 沭阳: the report is on page 2 (TRS createPageHTML pagination).
  srv.page("/sy/index.html", listPage([], { createPageHTML: { total: 2, current: 0 } }));
  srv.page(
    "/sy/index_1.html",
    listPage([{ href: "./202401/2ecfb31a335f4d689220a3a23e24a986.shtml", title: "沭阳县发展和改革局2023年政府信息公开年度报告" }], {
      createPageHTML: { total: 2, current: 1 },
    }),
  );
  srv.page(SY_2023, fixture("001.html"));
  const portals: PortalEntry[] = [
    { id: "pt", name: "平潭综合实验区", url: srv.url("/pt/"), level: "government" },
    { id: "gbk", name: "平潭（GBK 镜像）", url: srv.url("/gbk/") },
    { id: "hz", name: "淮安市洪泽区", url: srv.url("/hz/") },
    { id: "sy", name: "沭阳县发改局", url: srv.url("/sy/index.html"), level: "department" },
  ];
  return { srv, portals };
}

function iconvList(): Buffer {
  const html = listPage([{ href: "./202001/t20200120_80576.htm", title: "平潭综合实验区2019年度政府信息公开工作年度报告" }]).replace(
    '<meta charset="utf-8">',
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
  );
  return Buffer.from(iconvEncode(html));
}

const iconvEncode = (s: string) => iconv.encode(s, "gbk");
