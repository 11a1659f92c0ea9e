import { createConnection } from "node:net";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "./redis-server.js";

describe("the redis-server test helper", () => {
  it("starts a server that answers PING on loopback and stops it", async () => {
    const redis = await startRedisServer();
    const socket = createConnection(redis.port, "127.0.0.1");
    socket.write("PING\r\n");
    const [reply] = await once(socket, "data");
    socket.destroy();
    expect(String(reply)).toBe("+PONG\r\n");
    await redis.stop();
    const probe = createConnection(redis.port, "127.0.0.1");
    const [error] = await once(probe, "error");
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
  });
});
