/**
 * CLI subcommands over the stored history (registered in src/cli.ts):
 *   nianbao export --format csv|json [--region …] [--year …] [--agency …] [--bom] [--out file]
 *   nianbao history <agency> [--lang zh|en]
 * Thin: open the app (src/app.ts) read-only, call the core.
 */
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CliCommand, CliContext } from "./types.js";
import { EXIT } from "./types.js";
import { withApp } from "./run.js";
import type { PortalEntry, Store, StoredReport } from "../store/types.js";
import { crossYearLines, findInPortals, yearsTable } from "../answer/history.js";
import { csvChunks, jsonChunks } from "../render/export.js";
import type { Identity } from "../agency/identity.js";
import { portalsInRegion } from "../agency/peers.js";
import { findAgency, keyOf, onePerYear } from "../agency/series.js";

interface Ctx {
  store: Store;
  identity: Identity;
  portals: readonly PortalEntry[];
}

/** Read-only: the store without the writer's lock; a broken registry or overrides file is a config error. */
function withStore(ctx: CliContext, fn: (c: Ctx) => Promise<number>): Promise<number> {
  return withApp(ctx, { store: "read", overrides: "strict" }, (app) => fn({ store: app.store, identity: app.identity(), portals: app.portals.list() }));
}

function args<O extends NonNullable<ParseArgsConfig["options"]>>(ctx: CliContext, options: O, usage: string) {
  try {
    return parseArgs({ args: ctx.argv, options, allowPositionals: true as const, strict: true as const });
  } catch (e) {
    ctx.err(`${(e as Error).message}\n${usage}`);
    return null;
  }
}

const EXPORT_USAGE =
  "用法: nianbao export --format csv|json [--region 江苏 宿迁] [--year 2024] [--agency 名称或代码] [--bom] [--out 文件]\n" +
  "  每份年报一行，含全部单元格（CSV 表头为英文键，RFC 4180）；--bom 便于 Excel 打开。";

const exportCommand: CliCommand = {
  summary: "导出年报数据（CSV / JSON，每份年报一行，含全部单元格）",
  usage: EXPORT_USAGE,
  async run(ctx) {
    const a = args(
      ctx,
      {
        format: { type: "string", default: "csv" },
        region: { type: "string" },
        year: { type: "string" },
        agency: { type: "string" },
        bom: { type: "boolean", default: false },
        out: { type: "string" },
      },
      EXPORT_USAGE,
    );
    if (!a) return EXIT.usage;
    const format = a.values.format;
    if (format !== "csv" && format !== "json") {
      ctx.err(`--format 只能是 csv 或 json（收到：${String(format).slice(0, 20)}）\n${EXPORT_USAGE}`);
      return EXIT.usage;
    }
    let year: number | undefined;
    if (a.values.year !== undefined) {
      year = Number(a.values.year);
      if (!/^\d{4}$/.test(a.values.year)) {
        ctx.err(`--year 应为四位年份（收到：${a.values.year.slice(0, 20)}）`);
        return EXIT.usage;
      }
    }
    if (a.positionals.length) {
      ctx.err(`多余的参数：${a.positionals.join(" ").slice(0, 60)}\n${EXPORT_USAGE}`);
      return EXIT.usage;
    }
    return withStore(ctx, async ({ store, identity, portals }) => {
      const sel = await selectReports(store, identity, portals, { region: a.values.region, year, agency: a.values.agency });
      if (!sel.ok) {
        ctx.err(sel.error);
        return EXIT.notFound;
      }
      const rows = sel.reports;
      const chunks = format === "csv" ? csvChunks(rows, { bom: a.values.bom }) : jsonChunks(rows);
      if (a.values.out) {
        const file = resolve(ctx.cwd, a.values.out);
        await writeAll(file, chunks);
        ctx.err(`已导出 ${rows.length} 份年报到 ${file}`);
      } else {
        for (const c of chunks) ctx.out(c);
      }
      return EXIT.ok;
    });
  },
};

async function writeAll(file: string, chunks: Iterable<string>): Promise<void> {
  const ws = createWriteStream(file, { encoding: "utf8" });
  await new Promise<void>((res, rej) => {
    ws.on("error", rej);
    for (const c of chunks) ws.write(c);
    ws.end(() => res());
  });
}

/** Export filters. */
export interface ExportFilter {
  region?: string;
  year?: number;
  agency?: string;
}

/**
 * Reports matching the export filters, sorted by portal, agency key, year. A region is queried
 * through findInPortals (few portals: one query each). Problems are values.
 */
export async function selectReports(
  store: Store,
  identity: Identity,
  portals: readonly PortalEntry[],
  f: ExportFilter,
): Promise<{ ok: true; reports: StoredReport[] } | { ok: false; error: string }> {
  const scope = f.year !== undefined ? { year: f.year } : {};
  let rows: StoredReport[];
  let regionIds: Set<string> | null = null;
  if (f.region !== undefined) {
    regionIds = new Set(portalsInRegion(portals, f.region).map((p) => p.id));
    if (regionIds.size === 0 || !f.region.trim()) return { ok: false, error: `没有地区为“${f.region}”的门户（见 portals.json 的 region）` };
  }
  if (f.agency !== undefined) {
    const l = await findAgency(store, f.agency, identity, scope);
    if (!l.ok) {
      return {
        ok: false,
        error:
          l.reason === "ambiguous"
            ? `“${f.agency}”对应多个机关：\n${l.candidates.map((c) => `  ${c.key}  ${c.name}`).join("\n")}`
            : `未找到机关“${f.agency}”的年报`,
      };
    }
    rows = l.reports;
  } else if (regionIds) {
    const ids = regionIds;
    rows = await findInPortals(store, portals.filter((p) => ids.has(p.id)), scope);
  } else {
    rows = await store.findReports(scope);
  }
  if (regionIds) {
    const ids = regionIds;
    rows = rows.filter((r) => ids.has(r.portalId));
  }
  const withKeys = rows.map((r) => (r.agencyKey ? r : { ...r, agencyKey: keyOf(r, identity) }));
  const key = (r: StoredReport): string => `${r.portalId}\u0000${r.agencyKey ?? ""}\u0000${String(r.report.year ?? 0).padStart(4, "0")}\u0000${r.id}`;
  const keyed = withKeys.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ok: true, reports: keyed.map(([, r]) => r) };
}

const HISTORY_USAGE = "用法: nianbao history <机关名称或代码> [--lang zh|en]\n  按年度并列显示关键数字，并列出跨年度检查结果。";

const historyCommand: CliCommand = {
  summary: "某机关历年年报对比（关键数字 + 跨年度检查）",
  usage: HISTORY_USAGE,
  async run(ctx) {
    const a = args(ctx, { lang: { type: "string", default: "zh" } }, HISTORY_USAGE);
    if (!a) return EXIT.usage;
    const query = a.positionals.join(" ").trim();
    const lang = a.values.lang === "en" ? "en" : "zh";
    if (!query) {
      ctx.err(HISTORY_USAGE);
      return EXIT.usage;
    }
    return withStore(ctx, async ({ store, identity }) => {
      const l = await findAgency(store, query, identity);
      if (!l.ok) {
        if (l.reason === "ambiguous") {
          ctx.err(`“${query}”对应多个机关，请写得更具体或使用代码：`);
          for (const c of l.candidates) ctx.err(`  ${c.key}  ${c.name}  ${c.years.join(",")}`);
          return EXIT.usage;
        }
        ctx.err(`未找到机关“${query}”的年报`);
        return EXIT.notFound;
      }
      const series = onePerYear(l.reports);
      ctx.out(`${l.name}（${l.key}）\n`);
      ctx.out(`${yearsTable(series, lang).join("\n")}\n`);
      const xs = series.length > 1 ? crossYearLines(series, lang) : [lang === "zh" ? "只有一个年度的年报，无法对比。" : "Only one year stored."];
      if (xs.length) ctx.out(`\n${xs.join("\n")}\n`);
      return EXIT.ok;
    });
  },
};

/** Subcommands of this feature. */
export const commands: Record<string, CliCommand> = {
  export: exportCommand,
  history: historyCommand,
};
