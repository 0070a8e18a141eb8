/** .env.example documents every configuration key and, copied as is, is a valid configuration. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigSchema, loadConfig } from "../../src/config.js";

const text = readFileSync(fileURLToPath(new URL("../../.env.example", import.meta.url)), "utf8");

describe(".env.example", () => {
  it("mentions every key of src/config.ts, each with a comment", () => {
    const lines = text.split("\n");
    for (const key of Object.keys(ConfigSchema.shape)) {
      const i = lines.findIndex((l) => new RegExp(`^#?\\s*${key}=`).test(l));
      expect(i, key).toBeGreaterThan(0);
      // The line above a key (or above its commented example) is a comment.
      expect(lines.slice(Math.max(0, i - 3), i).some((l) => l.startsWith("#")), key).toBe(true);
    }
  });

  it("loads as a valid configuration when copied unchanged", () => {
    const cfg = loadConfig(parse(text));
    expect(cfg.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(cfg.DATA_DIR).toBe("data");
    expect(cfg.POLL_CRON).toBe("*/10 * * * *");
    expect(cfg.ADMIN_CHAT_IDS).toEqual([]);
  });
});
