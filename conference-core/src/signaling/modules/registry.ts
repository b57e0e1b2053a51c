import type { AnySignalingModule } from '../runtime/module.js';
import { breakoutModule } from './breakout.js';
import { chatModule } from './chat.js';
import { controlModule } from './control.js';
import { echoModule } from './echo.js';
import { moderationModule } from './moderation.js';
import { pollsModule } from './polls.js';
import { raiseHandsModule } from './raise-hands.js';
import { reactionModule } from './reaction.js';
import { timerModule } from './timer.js';

/**
 * Every signaling module, in the order their state appears in `join_success`. A new module
 * (the coming `media` namespace) is one file in this folder, one line here, and one line in
 * `client/protocol-types.ts`.
 */
export const signalingModules: readonly AnySignalingModule[] = [
  controlModule,
  moderationModule,
  raiseHandsModule,
  reactionModule,
  chatModule,
  timerModule,
  pollsModule,
  breakoutModule,
  echoModule,
];
