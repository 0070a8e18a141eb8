/**
 * The layout proves itself (STYLE.md): no two folders of src/ import each other, directly or
 * through others. The per-folder import bans are lint rules (eslint.config.js); a cycle needs
 * the whole graph, so it is checked here over the real source tree.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mjs)$/.test(n) ? [p] : [];
  });
}

/** folder → folders it imports (type-only imports included: a cycle of types is a cycle too). */
function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const f of files(SRC)) {
    const rel = path.relative(SRC, f);
    if (!rel.includes(path.sep)) continue; // entry files at the top (main.ts, cli.ts, app.ts, config.ts)
    const from = rel.split(path.sep)[0]!;
    const deps = g.get(from) ?? new Set<string>();
    g.set(from, deps);
    for (const m of readFileSync(f, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(f), m[1]!));
      const to = target.split(path.sep)[0]!;
      if (target.includes(path.sep) && to !== from) deps.add(to);
    }
  }
  return g;
}

function findCycle(g: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "open");
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of g.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("the folder graph of src/", () => {
  const g = folderGraph();
  it("has no cycle", () => {
    expect(findCycle(g)).toBeNull();
  });
  it("keeps the parser core innermost and the watcher away from delivery and the bot", () => {
    expect([...(g.get("report") ?? [])]).toEqual([]);
    expect(g.get("watch")?.has("notify")).toBe(false);
    expect(g.get("watch")?.has("bot")).toBe(false);
    expect(g.get("notify")?.has("bot")).toBe(false);
  });
  it("detects a cycle when there is one (the check itself works)", () => {
    expect(findCycle(new Map([["a", new Set(["b"])], ["b", new Set(["a"])]]))).toEqual(["a", "b", "a"]);
  });
});
