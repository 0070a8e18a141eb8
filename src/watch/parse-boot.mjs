// Worker entry of the parse pool (parse-pool.ts). Under tsx (npm start, the CLI, vitest) the
// worker thread has no TypeScript loader of its own, so register tsx before importing the .ts
// worker body; a compiled .js body needs nothing.
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
