import { Redis } from 'ioredis';

import { ignoreRedisErrors, viaRedis, type RedisErrorReporter } from '../../dependencies/redis-errors.js';

import type { NodeRegistry, SignalingNode } from './node-registry.js';

/** Sets (or with an empty new value deletes) the key only if it still holds the expected value. */
const compareAndSet = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return 0`;

/** A room nobody starts for a day is forgotten even if its node never released it. */
const roomTtlMs = 24 * 60 * 60 * 1000;

export interface RedisNodeRegistryOptions {
  readonly redisUrl: string;
  readonly prefix?: string;
  /** A node whose heartbeat is older than this is dead; it beats every third of it. */
  readonly nodeTtlMs?: number;
  /** Connection errors and failed heartbeats, which no caller sees, go here (logged and counted). */
  readonly onError?: RedisErrorReporter;
}

/**
 * Cluster mode. Each node keeps `<prefix>:node:<id>` (url, load) alive with a heartbeat; a room's
 * owner is `<prefix>:room:<id>` = node id. Ownership changes only by compare-and-set, so two
 * starts racing for a fresh room agree on one node, and a room whose node stopped beating goes to
 * the least loaded live node on the next start. No room state is stored here, only who owns it.
 */
export class RedisNodeRegistry implements NodeRegistry {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly nodeTtlMs: number;
  private node: SignalingNode | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly onError: RedisErrorReporter;

  constructor(options: RedisNodeRegistryOptions) {
    this.prefix = options.prefix ?? 'vc-signaling';
    this.nodeTtlMs = options.nodeTtlMs ?? 10_000;
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, connectionName: this.prefix });
    // Errors surface on the commands that fail; the connection reconnects on its own.
    this.onError = options.onError ?? ignoreRedisErrors;
    this.redis.on('error', (error) => this.onError('node-registry', error));
  }

  async register(node: SignalingNode): Promise<void> {
    this.node = node;
    // Redis may still be coming up (cluster start order): the heartbeat keeps trying.
    await this.beat().catch((error: unknown) => this.onError('node-registry', error));
    this.heartbeat = setInterval(
      () => {
        this.beat().catch((error: unknown) => this.onError('node-registry', error));
      },
      Math.max(100, Math.floor(this.nodeTtlMs / 3)),
    );
    this.heartbeat.unref();
  }

  locate(roomId: string): Promise<string | undefined> {
    return viaRedis(() => this.locateOnce(roomId));
  }

  claim(roomId: string): Promise<boolean> {
    return viaRedis(() => this.claimOnce(roomId));
  }

  private async locateOnce(roomId: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const owner = await this.redis.get(this.roomKey(roomId));
      if (owner !== null) {
        const url = await this.redis.hget(this.nodeKey(owner), 'url');
        if (url !== null) return url;
      }
      const candidate = await this.leastLoaded();
      if (candidate === undefined) return undefined;
      if (await this.cas(roomId, owner ?? '', candidate.id)) {
        // Count the room at once so a burst of starts spreads before the next heartbeat.
        await this.redis.hincrby(this.nodeKey(candidate.id), 'load', 1);
        return candidate.url;
      }
    }
    throw new Error(`room ${roomId}: ownership kept changing while locating its node`);
  }

  private async claimOnce(roomId: string): Promise<boolean> {
    const self = this.node?.id;
    if (self === undefined) return false;
    for (let attempt = 0; attempt < 5; attempt++) {
      const owner = await this.redis.get(this.roomKey(roomId));
      if (owner === self) {
        await this.redis.pexpire(this.roomKey(roomId), roomTtlMs);
        return true;
      }
      if (owner !== null && (await this.redis.exists(this.nodeKey(owner))) === 1) return false;
      if (await this.cas(roomId, owner ?? '', self)) return true;
    }
    return false;
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.nodeKey(nodeId))) === 1;
  }

  async release(roomId: string): Promise<void> {
    const self = this.node?.id;
    if (self !== undefined) await viaRedis(() => this.cas(roomId, self, ''));
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const self = this.node;
    this.node = undefined;
    if (self !== undefined) {
      await this.redis
        .multi()
        .del(this.nodeKey(self.id))
        .srem(this.key('nodes'), self.id)
        .exec()
        .catch(() => undefined);
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async beat(): Promise<void> {
    const node = this.node;
    if (node === undefined) return;
    await this.redis
      .multi()
      .hset(this.nodeKey(node.id), { url: node.url, load: node.load() })
      .pexpire(this.nodeKey(node.id), this.nodeTtlMs)
      .sadd(this.key('nodes'), node.id)
      .exec();
  }

  private async leastLoaded(): Promise<{ id: string; url: string } | undefined> {
    const ids = await this.redis.smembers(this.key('nodes'));
    if (ids.length === 0) return undefined;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.nodeKey(id));
    const answers = (await pipeline.exec()) ?? [];
    let best: { id: string; url: string; load: number } | undefined;
    const dead: string[] = [];
    ids.forEach((id, i) => {
      const fields = answers[i]?.[1] as Record<string, string> | undefined;
      const url = fields?.['url'];
      if (url === undefined) {
        dead.push(id);
        return;
      }
      const load = Number(fields?.['load'] ?? 0);
      if (best === undefined || load < best.load || (load === best.load && id < best.id))
        best = { id, url, load };
    });
    if (dead.length > 0) await this.redis.srem(this.key('nodes'), ...dead);
    return best;
  }

  private async cas(roomId: string, expected: string, next: string): Promise<boolean> {
    const done = await this.redis.eval(
      compareAndSet,
      1,
      this.roomKey(roomId),
      expected,
      next,
      String(roomTtlMs),
    );
    return done === 1;
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  private nodeKey(id: string): string {
    return this.key(`node:${id}`);
  }

  private roomKey(id: string): string {
    return this.key(`room:${id}`);
  }
}
