import type { Logger } from '../../logging/logger.js';
import type { JanusLink } from './janus-instance.js';
import { ownerOf, roomSecret } from './room-ownership.js';

/**
 * Is the hub node with this id alive? `undefined` when this hub cannot know (no shared registry):
 * then nothing of another node is touched.
 */
export type NodeLiveness = (nodeId: string) => Promise<boolean | undefined>;

/**
 * Removes the Janus rooms of hub nodes that died: a room whose owner tag names a node that is not
 * alive, seen so in two sweeps in a row (a node whose heartbeat lapsed once, in a Redis hiccup,
 * keeps its meetings), is destroyed with the secret derived from the admin key. Rooms without our
 * tag (another application on the same Janus) and this node's own rooms are never touched.
 */
export function createJanusRoomSweeper(options: {
  readonly nodeId: string;
  readonly adminKey: string;
  readonly isAlive: NodeLiveness;
  readonly logger: Logger;
}): { sweep(link: JanusLink): Promise<number> } {
  /** Owners found dead in the previous sweep. */
  let suspects = new Set<string>();
  return {
    async sweep(link) {
      const [audio, video] = await Promise.all([
        link.audioAdmin.listRooms(options.adminKey),
        link.videoAdmin.listRooms(options.adminKey),
      ]);
      const verdicts = new Map<string, boolean | undefined>();
      const deadNow = new Set<string>();
      let destroyed = 0;
      const orphans: { kind: 'audio' | 'video'; room: number; owner: string }[] = [];
      for (const [kind, rooms] of [
        ['audio', audio],
        ['video', video],
      ] as const) {
        for (const { room, description } of rooms) {
          const owner = ownerOf(description);
          if (owner === undefined || owner === options.nodeId) continue;
          if (!verdicts.has(owner)) verdicts.set(owner, await options.isAlive(owner));
          if (verdicts.get(owner) !== false) continue;
          deadNow.add(owner);
          if (suspects.has(owner)) orphans.push({ kind, room, owner });
        }
      }
      suspects = deadNow;
      for (const { kind, room, owner } of orphans) {
        const handle = kind === 'audio' ? link.audioAdmin : link.videoAdmin;
        try {
          await handle.destroyRoom(room, roomSecret(options.adminKey, room));
          destroyed++;
        } catch (err) {
          // Gone meanwhile, or made before secrets were derived: Janus keeps it until it restarts.
          options.logger.warn(
            { room, kind, owner, err: err instanceof Error ? err.message : String(err) },
            'could not remove the Janus room of a dead hub node',
          );
        }
      }
      if (destroyed > 0) options.logger.info({ destroyed }, 'removed the Janus rooms of dead hub nodes');
      return destroyed;
    },
  };
}
