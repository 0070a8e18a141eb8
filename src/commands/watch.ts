/**
 * CLI subcommands of src/watch (registered in src/cli.ts): poll, reports, backfill, reparse,
 * portals. Thin: parse arguments, open the app (src/app.ts) through withApp, call the core.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { App } from "../app.js";
import type { CliCommand, CliContext } from "./types.js";
import { EXIT, exitForFetch } from "./types.js";
import { historyEnricher } from "../agency/analyze.js";
import { withApp } from "./run.js";
import type { PortalEntry } from "../store/types.js";
import { parseDocument } from "../report/parse.js";
import { resolveColumn } from "../watch/portals.js";
import type { CycleSummary } from "../watch/cycle.js";

function args(ctx: CliContext, options: NonNullable<ParseArgsConfig["options"]>, usage: string) {
  try {
    return parseArgs({ args: ctx.argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    ctx.err(`${(e as Error).message}\n${usage}`);
    return null;
  }
}

/** One-line zh-CN summary of a cycle. */
export function formatSummary(s: CycleSummary): string {
  const extra = [s.unparsed ? `无法解析 ${s.unparsed}` : "", s.articleErrors ? `文章抓取失败 ${s.articleErrors}` : ""].filter(Boolean);
  return (
    `检查门户 ${s.portalsChecked} 个：新报告 ${s.newReports}，更新 ${s.updated}，失败 ${s.failed}，基线 ${s.baseline}` +
    `（事件 ${s.events.length}${extra.length ? `；${extra.join("，")}` : ""}）\n`
  );
}

/**
 * With a token, delivers what the cycle produced (fan-out + paced sends) before exiting; rows
 * held by quiet hours or a long 429 stay queued for the running bot. Returns a summary line.
 */
async function deliver(app: App): Promise<string | null> {
  if (!app.telegram) return null;
  const r = await app.notifier.pump();
  const pending = (await app.store.listOutbox({ status: "pending" })).length;
  return `Telegram：入队 ${r.enqueued}，已发送 ${r.sent}，失败 ${r.failed}，待发送 ${pending}\n`;
}

const poll: CliCommand = {
  summary: "抓取各门户年报栏目（--once 只运行一轮）",
  usage: "nianbao poll [--once] [--portal ID]…\n  --once  运行一轮后退出（全部门户失败时退出码 6）\n  不带 --once 时按 POLL_CRON 持续运行，Ctrl-C 退出",
  async run(ctx) {
    const a = args(ctx, { once: { type: "boolean" }, portal: { type: "string", multiple: true } }, this.usage);
    if (!a) return EXIT.usage;
    return withApp(ctx, { store: "write" }, async (app) => {
      const portals = app.portals.list();
      if (!portals.length) {
        ctx.err(`门户列表为空：${app.paths.portalsFile}（用 nianbao portals add URL --name 名称 添加）`);
        return EXIT.config;
      }
      const only = a.values.portal as string[] | undefined;
      const w = app.watcher;
      if (a.values.once) {
        const s = await w.runOnce({ onlyPortals: only }).finally(() => w.stop());
        ctx.out(formatSummary(s));
        const delivered = await deliver(app);
        if (delivered) ctx.out(delivered);
        return s.portalsChecked > 0 && s.failed === s.portalsChecked ? EXIT.network : EXIT.ok;
      }
      w.start();
      ctx.out(`按计划 ${app.config.POLL_CRON}（${app.config.TZ}）监测 ${portals.length} 个门户；Ctrl-C 退出\n`);
      await new Promise<void>((r) => {
        process.once("SIGINT", r);
        process.once("SIGTERM", r);
      });
      await w.stop();
      return EXIT.ok;
    });
  },
};

const reports: CliCommand = {
  summary: "列出已存储的年报（--json 输出 NDJSON）",
  usage: "nianbao reports [--json] [--agency 文本] [--year 年份] [--portal ID]",
  async run(ctx) {
    const a = args(
      ctx,
      { json: { type: "boolean" }, agency: { type: "string" }, year: { type: "string" }, portal: { type: "string" } },
      this.usage,
    );
    if (!a) return EXIT.usage;
    const year = a.values.year === undefined ? undefined : Number(a.values.year);
    if (year !== undefined && !Number.isInteger(year)) {
      ctx.err(`--year 必须是年份数字 / --year must be a year\n${this.usage}`);
      return EXIT.usage;
    }
    return withApp(ctx, { store: "read", registry: false }, async ({ store }) => {
      const rs = (
        await store.findReports({
          agency: a.values.agency as string | undefined,
          year,
          portalId: a.values.portal as string | undefined,
        })
      ).sort((x, y) => (y.report.year ?? 0) - (x.report.year ?? 0) || x.url.localeCompare(y.url));
      for (const r of rs) {
        if (a.values.json) {
          ctx.out(
            `${JSON.stringify({
              ...r.report,
              url: r.url,
              portalId: r.portalId,
              fetchedAt: r.fetchedAt,
              publishedAt: r.publishedAt ?? r.report.publishedAt ?? null,
              ...(r.attachmentUrl ? { attachmentUrl: r.attachmentUrl } : {}),
            })}\n`,
          );
        } else {
          ctx.out(`${r.report.year ?? "—"}\t${r.report.agency ?? r.report.title ?? "（未知机关）"}\t${r.url}\n`);
        }
      }
      if (!a.values.json) ctx.out(`共 ${rs.length} 份\n`);
      return EXIT.ok;
    });
  },
};

const backfill: CliCommand = {
  summary: "补抓某门户栏目列出的全部年份（翻遍所有页）",
  usage: "nianbao backfill PORTAL_ID",
  async run(ctx) {
    const a = args(ctx, {}, this.usage);
    if (!a) return EXIT.usage;
    const id = a.positionals[0];
    if (!id || a.positionals.length > 1) {
      ctx.err(this.usage);
      return EXIT.usage;
    }
    return withApp(ctx, { store: "write" }, async (app) => {
      if (!app.portals.list().some((p) => p.id === id)) {
        ctx.err(`未知门户：${id}（nianbao portals list 查看）`);
        return EXIT.notFound;
      }
      const s = await app.watcher.runOnce({ onlyPortals: [id], mode: "backfill" });
      ctx.out(formatSummary(s));
      return s.failed ? EXIT.network : EXIT.ok;
    });
  },
};

const reparse: CliCommand = {
  summary: "用当前解析器重新解析所有已存原文",
  usage: "nianbao reparse",
  async run(ctx) {
    const a = args(ctx, {}, this.usage);
    if (!a) return EXIT.usage;
    return withApp(ctx, { store: "write" }, async ({ store, identity, log }) => {
      // The same pipeline as the watcher: parse, then the history annotation (agency key,
      // cross-year and deadline findings), so a report is "changed" only when its content is.
      const enrich = historyEnricher(store, identity, log);
      const all = await store.findReports({});
      let changed = 0;
      let failed = 0;
      const updates = [];
      for (const r of all) {
        const raw = await store.getRaw(r.contentHash);
        if (!raw) {
          failed++;
          ctx.err(`缺少原文：${r.url}`);
          continue;
        }
        const o = await parseDocument({ source: r.attachmentUrl ?? r.url, bytes: raw, contentType: null, publishedAt: r.publishedAt });
        if (!o.ok) {
          failed++;
          ctx.err(`解析失败：${r.url}：${o.error.message}`);
          continue;
        }
        const next = await enrich({ ...r, report: { ...o.report, source: r.url, title: o.report.title ?? r.report.title }, text: o.text });
        if (JSON.stringify(next.report) !== JSON.stringify(r.report) || next.text !== r.text) {
          changed++;
          updates.push(next);
        }
      }
      if (updates.length) await store.putReports(updates);
      ctx.out(`重新解析 ${all.length} 份：变化 ${changed}，失败 ${failed}\n`);
      return failed ? EXIT.partial : EXIT.ok;
    });
  },
};

const LEVELS = ["government", "department", "township"] as const;

const portals: CliCommand = {
  summary: "管理门户列表（add / list）",
  usage:
    "nianbao portals list\n" +
    "nianbao portals add URL --name 名称 [--region 地区] [--level government|department|township] [--id ID] [--no-resolve]\n" +
    "  URL 可以是年报栏目，也可以是网站首页或政务公开页（自动查找“政府信息公开年报”栏目）",
  async run(ctx) {
    const a = args(
      ctx,
      {
        name: { type: "string" },
        region: { type: "string" },
        level: { type: "string" },
        id: { type: "string" },
        "no-resolve": { type: "boolean" },
      },
      this.usage,
    );
    if (!a) return EXIT.usage;
    const [sub, url, ...extra] = a.positionals;
    if (sub === "list" && !url) {
      return withApp(ctx, { store: "read" }, async (app) => {
        const list = app.portals.list();
        const states = new Map((await app.store.listPortalStates()).map((s) => [s.portalId, s]));
        for (const p of list) {
          const s = states.get(p.id);
          const health = !s ? "未检查" : s.failures ? `连续失败 ${s.failures} 次` : `正常（${s.lastOkAt ?? ""}）`;
          ctx.out(`${p.id}\t${p.name}\t${p.url}\t${p.region ?? ""}\t${p.level ?? ""}\t${health}\n`);
        }
        ctx.out(`共 ${list.length} 个门户（${app.paths.portalsFile}）\n`);
        return EXIT.ok;
      });
    }
    if (sub === "add" && url && !extra.length) {
      const name = a.values.name as string | undefined;
      const level = a.values.level as string | undefined;
      if (!name?.trim()) {
        ctx.err(`缺少 --name\n${this.usage}`);
        return EXIT.usage;
      }
      if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) {
        ctx.err(`--level 必须是 ${LEVELS.join(" | ")}`);
        return EXIT.usage;
      }
      return withApp(ctx, { store: "none", registry: false }, async (app) => {
        let column = url;
        if (!a.values["no-resolve"]) {
          const r = await resolveColumn(app.fetcher, url);
          if (!r.ok) {
            ctx.err(`${r.error}\n（确认网址正确，或加 --no-resolve 按原样添加）`);
            // A reachable page without a 年报 column is not a network failure.
            return r.reason === "invalid-url" ? EXIT.usage : r.reason === "no-column" ? EXIT.notAReport : exitForFetch(r.fetch!);
          }
          column = r.url;
        }
        const r = await app.portals.add({
          url: column,
          name: name.trim(),
          ...(a.values.region ? { region: a.values.region as string } : {}),
          ...(level ? { level: level as PortalEntry["level"] } : {}),
          ...(a.values.id ? { id: a.values.id as string } : {}),
        });
        if (!r.ok) {
          ctx.err(r.error);
          return EXIT.usage;
        }
        ctx.out(`已添加门户 ${r.portal.id}：${r.portal.name} ${r.portal.url}\n`);
        return EXIT.ok;
      });
    }
    ctx.err(this.usage);
    return EXIT.usage;
  },
};

/** Registered in src/cli.ts. */
export const commands: Record<string, CliCommand> = { poll, reports, backfill, reparse, portals };
