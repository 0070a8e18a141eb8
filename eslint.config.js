// Lint: typescript-eslint's recommended rules, plus the dependency rule of STYLE.md enforced per
// folder: pure folders import no I/O and never read the clock; watch never imports notify or
// bot; notify never imports bot; only the composition root (src/app.ts) and the CLI commands
// import a store driver. A wrong-way import fails `npm run lint` (and so CI).
import tseslint from "typescript-eslint";

const IO_MODULES = ["fs", "node:fs", "fs/promises", "node:fs/promises", "http", "node:http", "https", "node:https", "net", "node:net", "child_process", "node:child_process", "undici", "grammy", "lowdb", "lowdb/node", "node-cron", "pino", "https-proxy-agent"];
const io = IO_MODULES.map((name) => ({ name, message: "Pure folder: no I/O here (take an adapter as an argument)." }));
const driver = { group: ["**/store/lowdb.js", "**/store/lowdb", "**/store/memory.js"], message: "Only src/app.ts (and CLI commands through it) choose a store driver; take the store role interfaces." };
const folder = (f, message) => ({ group: [`../${f}/*`, `../../${f}/*`], message });
/** Reading the clock in a pure folder: time arrives as a parameter. */
const clock = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Pure folder: never read the clock (take `now` as a parameter)." },
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Pure folder: never read the clock (take `now` as a parameter)." },
];
const restrict = (paths, patterns) => ({
  "no-restricted-imports": ["error", { paths, patterns: patterns.map((p) => ({ ...p, allowTypeImports: p.allowTypeImports ?? false })) }],
});

export default tseslint.config(
  { ignores: ["node_modules/**", "data/**", "coverage/**", "docs/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  // The parser core: imports nothing of the project outside itself.
  {
    files: ["src/report/**/*.ts"],
    ignores: ["src/report/extract/pdf.ts", "src/report/extract/docx.ts"],
    rules: {
      ...restrict(io, [driver, ...["agency", "render", "notify", "bot", "watch", "store", "commands", "answer"].map((f) => folder(f, "src/report is the innermost layer: it imports no other folder."))]),
      "no-restricted-syntax": ["error", ...clock],
    },
  },
  // Pure domain and rendering: no I/O, no clock, never delivery, bot or watch.
  {
    files: ["src/agency/**/*.ts", "src/render/**/*.ts"],
    ignores: ["src/agency/identity.ts", "src/render/chart.ts"],
    rules: {
      ...restrict(io, [driver, ...["notify", "bot", "watch", "commands", "answer"].map((f) => folder(f, "Pure folders never import delivery, the bot, the watcher or the CLI."))]),
      "no-restricted-syntax": ["error", ...clock],
    },
  },
  // The watcher never imports delivery or the bot.
  {
    files: ["src/watch/**/*.ts"],
    rules: restrict([], [driver, ...["notify", "bot", "commands", "answer"].map((f) => folder(f, "watch never imports notify, bot or the CLI: it writes events; delivery reads them."))]),
  },
  // Delivery never imports the bot.
  {
    files: ["src/notify/**/*.ts"],
    rules: restrict([], [driver, ...["bot", "watch", "commands"].map((f) => folder(f, "notify never imports the bot, the watcher or the CLI."))]),
  },
  {
    files: ["src/bot/**/*.ts", "src/answer/**/*.ts"],
    rules: restrict([], [driver, ...["watch", "commands"].map((f) => folder(f, "The bot takes the watcher as an injected dependency, never imports it."))]),
  },
  // The store imports only the report schema's types.
  {
    files: ["src/store/**/*.ts"],
    rules: restrict([], ["agency", "render", "notify", "bot", "watch", "commands", "answer"].map((f) => folder(f, "The store knows no other folder."))),
  },
);
