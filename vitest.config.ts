import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // lowdb's JSONFilePreset switches to memory under NODE_ENV=test; our store never uses the
    // preset, but keep the environment honest for any library that checks it.
    env: { NODE_ENV: "test" },
  },
});
