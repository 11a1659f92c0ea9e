import { setTimeout as sleep } from "node:timers/promises";

/** A claim on one server for one HTTP call; release it exactly once. */
export interface FleetLease {
  readonly url: string;
  /** Ends the call; `dead` marks the server unusable for the cool-down period. */
  release(outcome: "ok" | "dead"): void;
}

export interface FleetServerState {
  url: string;
  outstanding: number;
  assigned: number;
  dead: boolean;
}

/** One model served from several base URLs. */
export interface Fleet {
  /** Leases the live server with the fewest outstanding calls; if all are dead, waits for the earliest cool-down. */
  acquire(): Promise<FleetLease>;
  /** Whether some server is not cooling down now (a failed call can then move on without waiting). */
  hasLiveServer(): boolean;
  state(): FleetServerState[];
}

export interface FleetOptions {
  /** How long a server that failed to answer (connection error, timeout) is skipped. */
  deadCooldownMs: number;
}

interface ServerSlot {
  url: string;
  outstanding: number;
  /** Calls ever leased: breaks ties so that sequential calls rotate over idle servers. */
  assigned: number;
  deadUntil: number;
}

export function createFleet(urls: readonly string[], options: FleetOptions): Fleet {
  const servers: ServerSlot[] = urls.map((url) => ({ url, outstanding: 0, assigned: 0, deadUntil: 0 }));
  const isLive = (server: ServerSlot, now: number): boolean => server.deadUntil <= now;

  function pick(now: number): ServerSlot | undefined {
    let best: ServerSlot | undefined;
    for (const server of servers) {
      if (!isLive(server, now)) continue;
      if (best === undefined || server.outstanding < best.outstanding || (server.outstanding === best.outstanding && server.assigned < best.assigned)) {
        best = server;
      }
    }
    return best;
  }

  function lease(server: ServerSlot): FleetLease {
    server.outstanding += 1;
    server.assigned += 1;
    let released = false;
    return {
      url: server.url,
      release(outcome) {
        if (released) return;
        released = true;
        server.outstanding -= 1;
        if (outcome === "dead") server.deadUntil = Date.now() + options.deadCooldownMs;
      },
    };
  }

  return {
    async acquire() {
      for (;;) {
        const now = Date.now();
        const server = pick(now);
        if (server !== undefined) return lease(server);
        const earliest = Math.min(...servers.map((candidate) => candidate.deadUntil));
        await sleep(Math.max(1, earliest - now));
      }
    },
    hasLiveServer() {
      const now = Date.now();
      return servers.some((server) => isLive(server, now));
    },
    state() {
      const now = Date.now();
      return servers.map((server) => ({
        url: server.url,
        outstanding: server.outstanding,
        assigned: server.assigned,
        dead: !isLive(server, now),
      }));
    },
  };
}
