import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT } from "../../src/commands/types.js";
import { commands } from "../../src/commands/history.js";
import { CSV_COLUMNS, parseCsv, rowToTables, UTF8_BOM } from "../../src/render/export.js";
import { LowdbStore } from "../../src/store/lowdb.js";
import { PORTALS, corpusReports } from "../support/reports.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nianbao-history-cli-"));
  const store = new LowdbStore(join(dir, "data"));
  await store.open();
  await store.putReports(corpusReports());
  await store.close();
  await writeFile(join(dir, "portals.json"), JSON.stringify(PORTALS));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const cmd = commands[name];
  if (!cmd) throw new Error(`no command ${name}`);
  const code = await cmd.run({
    argv,
    env: { DATA_DIR: "data", PORTALS_FILE: "portals.json", ...env },
    cwd: dir,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += `${s}\n`;
    },
  });
  return { code, out, err };
}

describe("nianbao export", () => {
  it("CSV of everything: header + one row per report, every cell round-trips", async () => {
    const r = await run("export", ["--format", "csv"]);
    expect(r.code).toBe(EXIT.ok);
    const p = parseCsv(r.out);
    if (!p.ok) throw new Error(p.error);
    const [h, ...rows] = p.rows;
    expect(h).toEqual([...CSV_COLUMNS]);
    const src = corpusReports();
    expect(rows).toHaveLength(src.length);
    for (const row of rows) {
      const orig = src.find((s) => s.id === row[0]);
      expect(orig).toBeDefined();
      expect(rowToTables(h!, row)).toEqual({
        activeDisclosure: orig!.report.activeDisclosure,
        requests: orig!.report.requests,
        reviewLitigation: orig!.report.reviewLitigation,
      });
      // Keys are filled in even for reports stored without one.
      expect(row[h!.indexOf("agencyKey")]).toMatch(/^[a-z-]+:/);
    }
  });

  it("filters by region and year, with a BOM for Excel", async () => {
    const r = await run("export", ["--format", "csv", "--region", "江苏 宿迁", "--year", "2024", "--bom"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.startsWith(UTF8_BOM)).toBe(true);
    const p = parseCsv(r.out);
    if (!p.ok) throw new Error(p.error);
    expect(p.rows.slice(1).map((x) => x[0])).toEqual(["suqian-2024"]);
  });

  it("JSON by agency, to a file", async () => {
    const r = await run("export", ["--format", "json", "--agency", "平潭综合实验区", "--out", "pt.json"]);
    expect(r.code).toBe(EXIT.ok);
    const recs = JSON.parse(await readFile(join(dir, "pt.json"), "utf8")) as { id: string; year: number; agencyKey: string }[];
    expect(recs.map((x) => x.year)).toEqual([2019, 2022, 2024]);
    expect(new Set(recs.map((x) => x.agencyKey))).toEqual(new Set(["pingtan:政府"]));
    expect(r.err).toContain("已导出 3 份年报");
  });

  it("bad arguments are usage errors; unknown region is not found", async () => {
    expect((await run("export", ["--format", "xml"])).code).toBe(EXIT.usage);
    expect((await run("export", ["--year", "24"])).code).toBe(EXIT.usage);
    expect((await run("export", ["--bogus"])).code).toBe(EXIT.usage);
    const nr = await run("export", ["--region", "西藏"]);
    expect(nr.code).toBe(EXIT.notFound);
    expect(nr.err).toContain("西藏");
  });

  it("a broken overrides file is a config error naming the file", async () => {
    await writeFile(join(dir, "data", "agency-overrides.json"), "[{]");
    try {
      const r = await run("export", []);
      expect(r.code).toBe(EXIT.config);
      expect(r.err).toContain("agency-overrides.json");
    } finally {
      await rm(join(dir, "data", "agency-overrides.json"));
    }
  });
});

describe("nianbao history", () => {
  it("prints years side by side and the cross-year findings (洪泽区)", async () => {
    const r = await run("history", ["淮安市洪泽区人民政府"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain("淮安市洪泽区人民政府（hongze:政府）");
    const lines = r.out.split("\n");
    expect(lines.find((l) => l.startsWith("指标"))?.split(/\s+/)).toEqual(["指标", "2023", "2024"]);
    expect(lines.find((l) => l.startsWith("新收申请"))?.split(/\s+/)).toEqual(["新收申请", "21", "95"]);
    expect(r.out).toContain("跨年度检查");
    expect(r.out).toContain("2023 → 2024");
  });

  it("unknown agency → not found; no argument → usage", async () => {
    expect((await run("history", ["不存在"])).code).toBe(EXIT.notFound);
    expect((await run("history", [])).code).toBe(EXIT.usage);
  });
});
