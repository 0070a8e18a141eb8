import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capture } from "../../scripts/capture-golden.js";
import { renderMarkdown, SAMPLE_2021 } from "./support/fixtures.js";

describe("scripts/capture-golden", () => {
  it("creates a case folder with the source bytes and an expected.json marked for review", async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), "nianbao-golden-"));
    try {
      const file = path.join(tmp, "in.md");
      await writeFile(file, renderMarkdown(SAMPLE_2021));
      const dir = await capture(file, "sample-case", path.join(tmp, "golden"));
      expect(readFileSync(path.join(dir, "source.md"), "utf8")).toBe(readFileSync(file, "utf8"));
      const exp = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as { _review: boolean; requests: Record<string, number[]> };
      expect(exp._review).toBe(true);
      expect(exp.requests.total).toEqual(SAMPLE_2021.t3.total);
      await expect(capture(file, "sample-case", path.join(tmp, "golden"))).rejects.toThrow(/exists/);
      await expect(capture(file, "Bad Name", path.join(tmp, "golden"))).rejects.toThrow();
      expect(existsSync(path.join(tmp, "golden", "Bad Name"))).toBe(false);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
