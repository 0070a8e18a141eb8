/**
 * CLI subcommands of src/report (registered in src/cli.ts):
 *   nianbao parse [--json] [--explain] FILE_OR_URL...
 * Without --json: a readable Chinese summary per input. With --json: one JSON line per input
 * (NDJSON), failed ones included as `{"source", "error": {"code", "message"}}`, so a batch
 * consumer sees every input; `source` = the argument exactly as given. Each failure also gets
 * one line on stderr. --explain: where every cell came from (line, source text) and how it was
 * read; with --json it adds a `provenance` array to each object (the Report fields are unchanged).
 *
 * URLs go through the project's fetcher (src/app.ts builds it from the config): USER_AGENT,
 * PORTAL_PROXY, HOST_GAP_MS per host, retries, FETCH_TIMEOUT_MS, a size cap, bytes as sent.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { CliCommand, CliContext } from "./types.js";
import { EXIT, exitForFetch } from "./types.js";
import { withApp } from "./run.js";
import { describeFigures, FIGURE_LABELS, keyFigures, RATE_KEYS, type KeyFigures } from "../report/figures.js";
import { MAX_INPUT_BYTES, parseDocument, type ParseErrorCode } from "../report/parse.js";
import type { Report } from "../report/schema.js";
import { formatExplanation } from "../report/explain.js";
import type { Fetcher, FetchError } from "../watch/fetcher.js";

/** Why an input could not be read (before parsing). */
export type LoadErrorCode = "not-found" | "is-directory" | "unreadable" | "too-large" | "http" | "timeout" | "network";

type Loaded =
  | { ok: true; bytes: Uint8Array; contentType: string | null }
  | { ok: false; code: LoadErrorCode; exit: number; message: string };

const MB = 1048576;

/** A failed download as a Chinese line and its exit code. */
function fetchFailure(e: FetchError, timeoutMs: number): Loaded & { ok: false } {
  const exit = exitForFetch(e);
  switch (e.kind) {
    case "http":
      return { ok: false, code: exit === EXIT.notFound ? "not-found" : "http", exit, message: `下载失败：HTTP ${e.status ?? "?"}` };
    case "timeout":
      return { ok: false, code: "timeout", exit, message: `下载超时（每次 ${timeoutMs} 毫秒，已重试；见 FETCH_TIMEOUT_MS）` };
    case "too-large":
      return { ok: false, code: "too-large", exit, message: `文件过大（超过 ${MAX_INPUT_BYTES / MB} MB）` };
    default:
      return { ok: false, code: "network", exit, message: `下载失败：${e.message}` };
  }
}

/** Reads the bytes behind a path or an http(s) URL (through the fetcher, whose per-attempt timeout is `timeoutMs`). Never throws. */
export async function loadInput(arg: string, cwd: string, net: { fetcher: Fetcher; timeoutMs: number }): Promise<Loaded> {
  if (/^https?:\/\//i.test(arg)) {
    // Bytes, never text: GBK pages are decoded by the parser from header, BOM or <meta> (PITFALLS).
    const r = await net.fetcher.fetch({ url: arg, maxBytes: MAX_INPUT_BYTES });
    if (!r.ok) return fetchFailure(r.error, net.timeoutMs);
    return { ok: true, bytes: r.value.bytes, contentType: r.value.contentType };
  }
  const file = path.resolve(cwd, arg);
  try {
    const st = await stat(file);
    if (st.isDirectory()) return { ok: false, code: "is-directory", exit: EXIT.notFound, message: "是目录，不是文件" };
    if (st.size > MAX_INPUT_BYTES) return { ok: false, code: "too-large", exit: EXIT.notAReport, message: `文件过大（${(st.size / MB).toFixed(1)} MB，上限 ${MAX_INPUT_BYTES / MB} MB）` };
    return { ok: true, bytes: new Uint8Array(await readFile(file)), contentType: null };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, code: "not-found", exit: EXIT.notFound, message: "文件不存在" };
    return { ok: false, code: "unreadable", exit: EXIT.notFound, message: code === "EACCES" ? "没有读取权限" : "无法读取文件" };
  }
}

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
const indent = (s: string): string => s.replace(/^(?=.)/gm, "  ");

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
export async function runParse(ctx: CliContext): Promise<number> {
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
  // Parsing needs no store and no registry: only the fetcher, built from the configuration.
  return withApp(ctx, { store: "none", registry: false }, async ({ fetcher, config }) => {
    const failures: number[] = [];
    const fail = (source: string, code: string, message: string, exit: number): void => {
      ctx.err(`${source}: ${message}`);
      if (json) ctx.out(`${JSON.stringify({ source, error: { code, message } })}\n`);
      failures.push(exit);
    };
    for (const src of inputs) {
      const loaded = await loadInput(src, ctx.cwd, { fetcher, timeoutMs: config.FETCH_TIMEOUT_MS });
      if (!loaded.ok) {
        fail(src, loaded.code, loaded.message, loaded.exit);
        continue;
      }
      const out = await parseDocument({ source: src, bytes: loaded.bytes, contentType: loaded.contentType, explain });
      if (!out.ok) {
        fail(src, out.error.code, out.error.message, EXIT_FOR[out.error.code]);
        continue;
      }
      if (json) ctx.out(`${JSON.stringify(explain && out.explained ? { ...out.report, provenance: out.explained.cells } : out.report)}\n`);
      else ctx.out(explain && out.explained ? `${summarise(out.report)}  单元格来源：\n${indent(formatExplanation(out.explained.cells, out.explained.scan))}` : summarise(out.report));
    }
    if (failures.length === 0) return EXIT.ok;
    if (inputs.length === 1) return failures[0] as number;
    return EXIT.partial;
  });
}

/** `nianbao parse`. */
export const parseCommand: CliCommand = {
  summary: "解析年报文件或网址，输出表格数据和检查结果",
  usage: "用法: nianbao parse [--json] [--explain] 文件或网址...\n  --json     每个输入输出一行 JSON（NDJSON）；失败的输入为 {\"source\",\"error\":{\"code\",\"message\"}}\n  --explain  列出每个单元格的来源（行号、原文）和读取方式",
  run: (ctx) => runParse(ctx),
};

/** Subcommands of this feature, merged by src/cli.ts. */
export const commands: Record<string, CliCommand> = { parse: parseCommand };
