/** TELEGRAM_PROXY: the bot reaches the Bot API through an HTTP CONNECT proxy (on loopback). */
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

let proxy: Server;
const tunnels: string[] = [];
const sockets = new Set<Socket>();
let h: Harness;

beforeAll(async () => {
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  h = await startHarness({ env: { TELEGRAM_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } });
});

afterAll(async () => {
  await h?.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => proxy.close(() => r()));
});

it("long-polls and replies through the proxy", async () => {
  const [r] = await h.say(801, { id: 801 }, "/help");
  expect(r!.plain).toContain("/subscribe");
  const emuHost = new URL(h.emu.apiRoot).host;
  expect(tunnels.length).toBeGreaterThan(0);
  expect(tunnels.every((t) => t === emuHost)).toBe(true);
});
