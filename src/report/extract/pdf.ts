/**
 * PDF text layer via unpdf/pdfjs-dist. Chinese fonts that are not embedded (UniGB-UCS2-H, common
 * from Java back-ends) need `cMapUrl` as a plain filesystem path on Node 20 (PITFALLS), and
 * `standardFontDataUrl` for the standard 14 fonts. I/O-free: bytes in, text out.
 */
import { createRequire } from "node:module";
import path from "node:path";

let assets: { cMapUrl: string; standardFontDataUrl: string } | null = null;

function pdfAssets(): { cMapUrl: string; standardFontDataUrl: string } {
  if (!assets) {
    const req = createRequire(import.meta.url);
    const base = path.dirname(req.resolve("pdfjs-dist/package.json"));
    assets = { cMapUrl: path.join(base, "cmaps") + path.sep, standardFontDataUrl: path.join(base, "standard_fonts") + path.sep };
  }
  return assets;
}

/** Pages beyond this are not read: a 年报 has 5–20 pages; this caps work on hostile files. */
export const MAX_PDF_PAGES = 200;

/** Extract the text layer, one string per page (joined with "\n"). Throws on a corrupt file. */
export async function pdfToText(bytes: Uint8Array): Promise<string> {
  const { getDocumentProxy } = await import("unpdf");
  // pdf.js may transfer (detach) the buffer it gets: hand it a copy.
  const data = new Uint8Array(bytes);
  const pdf = await getDocumentProxy(data, {
    ...pdfAssets(),
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  } as Parameters<typeof getDocumentProxy>[1]);
  try {
    const pages: string[] = [];
    const n = Math.min(pdf.numPages, MAX_PDF_PAGES);
    for (let i = 1; i <= n; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      let s = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        s += item.str;
        if (item.hasEOL) s += "\n";
      }
      pages.push(s);
      page.cleanup();
    }
    return pages.join("\n");
  } finally {
    await pdf.destroy();
  }
}
