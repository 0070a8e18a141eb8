/**
 * `parseDocument`: bytes of a 年报 (HTML, text, PDF, DOCX) → a validated `Report` plus the
 * normalised text, or a typed error. Never throws: every failure is a value with one zh-CN line.
 *
 *   detect kind → decode/extract → normalise (Simplified, half-width) → meta → tables (layouts)
 *   → findings = parser findings (`parse.*`) + checkReport (rules) → zod `Report`.
 */
import { Report, type Finding } from "./schema.js";
import { decodeBytes } from "./extract/charset.js";
import { detectKind as detect } from "./extract/detect.js";
import { htmlToText, type ExtractedText } from "./extract/html.js";
import { halfWidth, normaliseText } from "./extract/normalise.js";
import { textToText } from "./extract/text.js";
import { readTables } from "./layouts/index.js";
import { extractMeta } from "./meta.js";
import { checkReport } from "./rules/index.js";
import { explainCells, type CellExplanation } from "./explain.js";
import { primeCompact } from "./rules/text.js";

/** Bytes → string with the right charset (header, BOM, `<meta>`, sniff); the watcher uses it too. */
export { decodeBytes };

/** Kinds of document the parser reads. */
export type SourceKind = "html" | "text" | "pdf" | "docx";

/** Why a document could not be parsed. */
export type ParseErrorCode = "empty" | "binary" | "too-large" | "not-a-report" | "unsupported" | "legacy-doc" | "corrupt";

/** One document to parse. `source` is the path or URL as given (it becomes `Report.source`). */
export interface ParseInput {
  source: string;
  bytes: Uint8Array;
  /** HTTP Content-Type, when fetched (its charset is honoured unless the bytes contradict it). */
  contentType?: string | null;
  /** Fallback 发布时间 (e.g. from a listing page) when the document states none. */
  publishedAt?: string | null;
  /** Also return where every cell came from (explain.ts); off by default (the watcher's path). */
  explain?: boolean;
}

/** Provenance of the cells, when asked for (`ParseInput.explain`). */
export interface Explained {
  cells: CellExplanation[];
  /** The scan text the line numbers refer to. */
  scan: string;
}

/** Outcome: a report with the normalised text, or a typed error. */
export type ParseOutcome =
  | { ok: true; kind: SourceKind; report: Report; text: string; explained?: Explained }
  | { ok: false; error: { code: ParseErrorCode; message: string } };

/** Larger inputs are refused ("too-large"): real 年报 PDFs are a few MB at most. */
export const MAX_INPUT_BYTES = 30 * 1024 * 1024;

/**
 * The document kind from magic bytes, Content-Type and the source's extension. "doc" (legacy
 * Word) and "binary" are recognised only to be refused clearly.
 */
export function detectKind(bytes: Uint8Array, contentType?: string | null, source?: string): SourceKind | "doc" | "binary" {
  return detect(bytes, contentType, source);
}

const fail = (code: ParseErrorCode, message: string): ParseOutcome => ({ ok: false, error: { code, message } });

function normalised(x: ExtractedText): ExtractedText {
  return { text: normaliseText(x.text), scan: normaliseText(x.scan), htmlTitle: x.htmlTitle ? normaliseText(x.htmlTitle) : null, chrome: (x.chrome ?? []).map(normaliseText) };
}

async function extract(kind: SourceKind, input: ParseInput): Promise<ExtractedText> {
  switch (kind) {
    case "html":
      // Half-width first, so full-width digits in a cell ("２ ６") are seen as a number.
      return normalised(htmlToText(halfWidth(decodeBytes(input.bytes, input.contentType))));
    case "text":
      return textToText(normaliseText(decodeBytes(input.bytes, input.contentType)));
    case "pdf": {
      const { pdfToText } = await import("./extract/pdf.js");
      return textToText(normaliseText(await pdfToText(input.bytes)));
    }
    case "docx": {
      const { docxToHtml } = await import("./extract/docx.js");
      return normalised(htmlToText(halfWidth(await docxToHtml(input.bytes))));
    }
  }
}

const KIND_ZH: Record<SourceKind, string> = { html: "HTML", text: "文本", pdf: "PDF", docx: "DOCX" };

/** Does the text read like a 政府信息公开 annual report at all? */
function looksLikeReport(text: string): boolean {
  return /政府信息公开|政务公开|信息公开/.test(text) && /年度报告|年报|工作报告|主动公开|依申请公开/.test(text);
}

/** Parse one document. Never throws and never rejects. */
export async function parseDocument(input: ParseInput): Promise<ParseOutcome> {
  try {
    return await parseInner(input);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail("corrupt", `文件无法解析：${msg.slice(0, 200)}`);
  }
}

async function parseInner(input: ParseInput): Promise<ParseOutcome> {
  const { bytes } = input;
  if (!(bytes instanceof Uint8Array)) return fail("corrupt", "输入不是字节数据");
  if (bytes.length === 0) return fail("empty", "文件为空");
  if (bytes.length > MAX_INPUT_BYTES) {
    return fail("too-large", `文件过大（${(bytes.length / 1048576).toFixed(1)} MB，上限 ${MAX_INPUT_BYTES / 1048576} MB）`);
  }
  const kind = detectKind(bytes, input.contentType, input.source);
  if (kind === "doc") return fail("legacy-doc", "旧版 Word（.doc）文件暂不支持，请另存为 .docx 或 PDF 后再试");
  if (kind === "binary") return fail("binary", "文件是二进制数据，不是 HTML、文本、PDF 或 DOCX 文档");

  let extracted: ExtractedText;
  try {
    extracted = await extract(kind, input);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail("corrupt", `${KIND_ZH[kind]} 文件已损坏或无法读取：${msg.slice(0, 160)}`);
  }
  const { text, scan, htmlTitle, chrome } = extracted;
  if (text.trim() === "") {
    if (kind === "pdf") return fail("unsupported", "PDF 没有可提取的文字层（可能是扫描件），暂不支持");
    return fail("empty", "文件没有文字内容");
  }

  const meta = extractMeta(text, htmlTitle, input.publishedAt, chrome);
  const tables = readTables(scan, text, meta.year);
  const anyTable = tables.activeDisclosure !== null || tables.requests !== null || tables.reviewLitigation !== null;
  // Without tables, only a document titled as a 年报 counts (a portal list page mentions 年报
  // everywhere but is not one).
  if (!anyTable && (meta.title === null || !looksLikeReport(text))) {
    return fail("not-a-report", "不是政府信息公开工作年度报告（没有找到年报的标题、章节或表格）");
  }

  const base: Omit<Report, "findings"> = {
    source: input.source,
    title: meta.title,
    agency: meta.agency,
    year: meta.year,
    layout: tables.layout,
    publishedAt: meta.publishedAt,
    activeDisclosure: tables.activeDisclosure,
    requests: tables.requests,
    reviewLitigation: tables.reviewLitigation,
  };
  // When the scan is the text itself (plain text without pipes or tabs), the rules' compact
  // text (all whitespace removed) is the tables' compact scan without the single spaces it keeps
  // between numbers: derive it instead of another whole-document pass.
  if (scan === text && tables.scanCompact !== undefined) primeCompact(text, tables.scanCompact.replaceAll(" ", ""));
  let ruleFindings: Finding[] = [];
  try {
    ruleFindings = checkReport({ report: base, text, publishedAt: meta.publishedAt });
  } catch (e) {
    // The rules promise never to throw; if one does, the report still parses and says so.
    const msg = e instanceof Error ? e.message : String(e);
    ruleFindings = [{ rule: "parse.rulesFailed", severity: "info", message: `规则检查出错，未完成：${msg.slice(0, 120)}` }];
  }
  const checked = Report.safeParse({ ...base, findings: [...tables.findings, ...ruleFindings] });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return fail("corrupt", `解析结果不符合数据格式：${issue ? `${issue.path.join(".")} ${issue.message}` : "未知错误"}`);
  }
  if (input.explain) return { ok: true, kind, report: checked.data, text, explained: { cells: explainCells(scan, tables.rows), scan } };
  return { ok: true, kind, report: checked.data, text };
}
