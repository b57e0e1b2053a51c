import { z } from 'zod';

import { defineModule } from '../runtime/module.js';

/** `echo`: answers the sender with what it sent; keep-alive for clients and a probe for tests. */
export const echoCommands = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('echo'), data: z.json().optional() }),
]);
export type EchoCommand = z.infer<typeof echoCommands>;

export const echoModule = defineModule<EchoCommand, undefined, undefined>({
  namespace: 'echo',
  commands: echoCommands,
  moderatorActions: new Set(),
  waitingActions: new Set(['echo']),
  createRoomState: () => undefined,
  createPeerState: () => undefined,
  handle({ reply }, command) {
    reply({ message: 'echo', data: command.data ?? null });
  },
});
