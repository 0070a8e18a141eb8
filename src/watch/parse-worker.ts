/** Worker thread body of the parse pool: runs report/parse.ts parseDocument on request. */
import { parentPort } from "node:worker_threads";
import { parseDocument, type ParseInput } from "../report/parse.js";

parentPort!.on("message", (msg: { id: number; input: ParseInput }) => {
  void parseDocument(msg.input).then(
    (outcome) => parentPort!.postMessage({ id: msg.id, outcome }),
    (e: unknown) =>
      parentPort!.postMessage({
        id: msg.id,
        outcome: { ok: false, error: { code: "corrupt", message: `解析出错：${e instanceof Error ? e.message : String(e)}` } },
      }),
  );
});
