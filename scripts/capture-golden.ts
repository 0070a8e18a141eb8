/**
 * Capture a new golden case for review:
 *   npx tsx scripts/capture-golden.ts FILE CASE_NAME
 * copies FILE to test/golden/CASE_NAME/source.<ext> and writes expected.json from the parser's
 * current output, marked `"_review": true`. Check every number against the source by hand, fix
 * what is wrong, then delete the `_review` key: the golden test compares against that file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "../src/report/parse.js";

/** Create test/golden/<name>/ from `file`; returns the folder. */
export async function capture(file: string, name: string, root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test/golden")): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error("CASE_NAME: lowercase letters, digits and dashes");
  const dir = path.join(root, name);
  if (existsSync(dir)) throw new Error(`${dir} exists already`);
  const bytes = new Uint8Array(readFileSync(file));
  const out = await parseDocument({ source: file, bytes });
  if (!out.ok) throw new Error(`${file}: ${out.error.message}`);
  mkdirSync(dir, { recursive: true });
  const ext = path.extname(file) || (out.kind === "text" ? ".txt" : `.${out.kind}`);
  copyFileSync(file, path.join(dir, `source${ext}`));
  const r = out.report;
  const expected = {
    _review: true,
    _comment: "Captured from parser output: verify every value against the source, then remove _review.",
    year: r.year,
    layout: r.layout,
    agency: r.agency,
    activeDisclosure: r.activeDisclosure,
    requests: r.requests,
    reviewLitigation: r.reviewLitigation,
  };
  writeFileSync(path.join(dir, "expected.json"), `${JSON.stringify(expected, null, 1)}\n`);
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("capture-golden.ts")) {
  const [file, name] = process.argv.slice(2);
  if (!file || !name) {
    console.error("用法: npx tsx scripts/capture-golden.ts 文件 用例名");
    process.exit(2);
  }
  capture(file, name)
    .then((dir) => console.log(`已创建 ${dir}，请人工核对 expected.json 后删除 _review 字段`))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    });
}
