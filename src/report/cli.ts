/**
 * CLI subcommands of src/report (registered in src/cli.ts):
 *   nianbao parse [--json] [--explain] FILE_OR_URL...
 * Without --json: a readable Chinese summary per input. With --json: one JSON object per input
 * per line (NDJSON), `source` = the argument exactly as given. Failures: one line on stderr.
 * --explain: where every cell came from (line, source text) and how it was read; with --json it
 * adds a `provenance` array to each object (the Report fields are unchanged).
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { CliCommand, CliContext } from "../cli-types.js";
import { EXIT } from "../cli-types.js";
import { describeFigures, FIGURE_LABELS, keyFigures, RATE_KEYS, type KeyFigures } from "./figures.js";
import { MAX_INPUT_BYTES, parseDocument, type ParseErrorCode, type ParseOutcome } from "./parse.js";
import type { Report } from "./schema.js";
import { formatExplanation } from "./explain.js";

/** Time allowed for fetching one URL. */
export const FETCH_TIMEOUT_MS = 30_000;

type Loaded =
  | { ok: true; bytes: Uint8Array; contentType: string | null }
  | { ok: false; kind: "notFound" | "network" | "tooLarge"; message: string };

/** The response body, or null once it exceeds `cap` bytes (the rest is not downloaded). */
async function readCapped(res: Response, cap: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Read the bytes behind a path or an http(s) URL. Never throws. */
export async function loadInput(arg: string, cwd: string, fetchImpl: typeof fetch = fetch): Promise<Loaded> {
  if (/^https?:\/\//i.test(arg)) {
    try {
      const res = await fetchImpl(arg, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "follow" });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: false, kind: res.status === 404 || res.status === 410 ? "notFound" : "network", message: `下载失败：HTTP ${res.status}` };
      }
      const len = Number(res.headers.get("content-length") ?? "0");
      if (len > MAX_INPUT_BYTES) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: false, kind: "tooLarge", message: `文件过大（${(len / 1048576).toFixed(1)} MB）` };
      }
      // Bytes, never res.text(): GBK pages would be destroyed (PITFALLS). Read with a cap: a
      // server may send no Content-Length and stream without end.
      const bytes = await readCapped(res, MAX_INPUT_BYTES);
      if (!bytes) return { ok: false, kind: "tooLarge", message: `文件过大（超过 ${MAX_INPUT_BYTES / 1048576} MB）` };
      return { ok: true, bytes, contentType: res.headers.get("content-type") };
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      const msg = name === "TimeoutError" || name === "AbortError" ? `下载超时（${FETCH_TIMEOUT_MS / 1000} 秒）` : `下载失败：${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`;
      return { ok: false, kind: "network", message: msg };
    }
  }
  const file = path.resolve(cwd, arg);
  try {
    const st = await stat(file);
    if (st.isDirectory()) return { ok: false, kind: "notFound", message: "是目录，不是文件" };
    if (st.size > MAX_INPUT_BYTES) return { ok: false, kind: "tooLarge", message: `文件过大（${(st.size / 1048576).toFixed(1)} MB，上限 ${MAX_INPUT_BYTES / 1048576} MB）` };
    return { ok: true, bytes: new Uint8Array(await readFile(file)), contentType: null };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, kind: "notFound", message: code === "ENOENT" ? "文件不存在" : code === "EACCES" ? "没有读取权限" : "无法读取文件" };
  }
}

const indent = (s: string): string => s.replace(/^(?=.)/gm, "  ");

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? "—" : String(v));

const LAYOUT_ZH: Record<string, string> = {
  "2021": "2021 版（国办公开办函〔2021〕30号）",
  "2019": "2019 版（国办公开办函〔2019〕60号）",
  "pre-2019": "2019 年以前的自由格式",
  null: "未识别",
};

/**
 * Key figures, one line each, except that blank figures share one line "未填报：…" and rates
 * without a usable denominator one line "无法计算：…": a 2019 report leaves six figures empty, and
 * six lines of "—" bury the rest.
 */
export function figureLines(report: Pick<Report, "requests" | "reviewLitigation" | "activeDisclosure">): string[] {
  const f = keyFigures(report);
  // describeFigures lists FIGURE_LABELS' keys in order.
  const keys = Object.keys(FIGURE_LABELS) as (keyof KeyFigures)[];
  const shown: string[] = [];
  const blank: string[] = [];
  const noRate: string[] = [];
  describeFigures(f, "zh").forEach((line, i) => {
    const k = keys[i];
    if (k === undefined || f[k] !== null) shown.push(`  ${line}`);
    else (RATE_KEYS.has(k) ? noRate : blank).push(FIGURE_LABELS[k].zh);
  });
  if (blank.length > 0) shown.push(`  未填报：${blank.join("、")}`);
  if (noRate.length > 0) shown.push(`  无法计算：${noRate.join("、")}`);
  return shown;
}

/** A readable Chinese summary of one parsed report. */
export function summarise(report: Report): string {
  const lines: string[] = [];
  lines.push(`${report.title ?? "（无标题）"}`);
  lines.push(`  机关：${report.agency ?? "未知"}　年度：${report.year ?? "未知"}　版式：${LAYOUT_ZH[report.layout ?? "null"]}${report.publishedAt ? `　发布：${report.publishedAt}` : ""}`);
  const anyTable = report.activeDisclosure !== null || report.requests !== null || report.reviewLitigation !== null;
  if (anyTable) try {
    lines.push(...figureLines(report));
  } catch {
    const t = report.requests?.total?.[6];
    lines.push(`  新收 ${fmt(report.requests?.newReceived?.[6])}　办结 ${fmt(t)}　结转下年度 ${fmt(report.requests?.carriedForward?.[6])}`);
  }
  const missing = [report.activeDisclosure ? null : "表二", report.requests ? null : "表三", report.reviewLitigation ? null : "表四"].filter(Boolean);
  if (missing.length > 0 && report.layout !== "pre-2019") lines.push(`  未找到：${missing.join("、")}`);
  const sev = { error: "错误", warning: "警告", info: "提示" } as const;
  if (report.findings.length === 0) lines.push("  检查：未发现问题");
  for (const f of report.findings) lines.push(`  [${sev[f.severity]}] ${f.message}`);
  return `${lines.join("\n")}\n`;
}

const EXIT_FOR: Record<ParseErrorCode, number> = {
  empty: EXIT.notAReport,
  binary: EXIT.notAReport,
  "too-large": EXIT.notAReport,
  "not-a-report": EXIT.notAReport,
  unsupported: EXIT.notAReport,
  "legacy-doc": EXIT.notAReport,
  corrupt: EXIT.notAReport,
};

/** Run `parse` over the arguments; returns the exit code. */
export async function runParse(ctx: CliContext, fetchImpl: typeof fetch = fetch): Promise<number> {
  const json = ctx.argv.includes("--json");
  const explain = ctx.argv.includes("--explain");
  const unknown = ctx.argv.filter((a) => a.startsWith("--") && a !== "--json" && a !== "--explain");
  const inputs = ctx.argv.filter((a) => !a.startsWith("--"));
  if (unknown.length > 0) {
    ctx.err(`未知参数：${unknown[0]}\n${parseCommand.usage}`);
    return EXIT.usage;
  }
  if (inputs.length === 0) {
    ctx.err(`缺少文件或网址\n${parseCommand.usage}`);
    return EXIT.usage;
  }
  const failures: number[] = [];
  for (const src of inputs) {
    const loaded = await loadInput(src, ctx.cwd, fetchImpl);
    if (!loaded.ok) {
      ctx.err(`${src}: ${loaded.message}`);
      failures.push(loaded.kind === "notFound" ? EXIT.notFound : loaded.kind === "network" ? EXIT.network : EXIT.notAReport);
      continue;
    }
    const out: ParseOutcome = await parseDocument({ source: src, bytes: loaded.bytes, contentType: loaded.contentType, explain });
    if (!out.ok) {
      ctx.err(`${src}: ${out.error.message}`);
      failures.push(EXIT_FOR[out.error.code]);
      continue;
    }
    if (json) ctx.out(`${JSON.stringify(explain && out.explained ? { ...out.report, provenance: out.explained.cells } : out.report)}\n`);
    else ctx.out(explain && out.explained ? `${summarise(out.report)}  单元格来源：\n${indent(formatExplanation(out.explained.cells, out.explained.scan))}` : summarise(out.report));
  }
  if (failures.length === 0) return EXIT.ok;
  if (inputs.length === 1) return failures[0] as number;
  return EXIT.partial;
}

/** `nianbao parse`. */
export const parseCommand: CliCommand = {
  summary: "解析年报文件或网址，输出表格数据和检查结果",
  usage: "用法: nianbao parse [--json] [--explain] 文件或网址...\n  --json     每个输入输出一行 JSON（NDJSON）\n  --explain  列出每个单元格的来源（行号、原文）和读取方式",
  run: (ctx) => runParse(ctx),
};

/** Subcommands of this feature, merged by src/cli.ts. */
export const commands: Record<string, CliCommand> = { parse: parseCommand };
