import type { MediaService } from '../../media/media-service.js';
import { createUnavailableMediaService } from '../../media/unavailable-media-service.js';
import type { AnySignalingModule } from '../runtime/module.js';
import { breakoutModule } from './breakout.js';
import { chatModule } from './chat.js';
import { controlModule } from './control.js';
import { echoModule } from './echo.js';
import { createMediaModule } from './media.js';
import { moderationModule } from './moderation.js';
import { pollsModule } from './polls.js';
import { raiseHandsModule } from './raise-hands.js';
import { reactionModule } from './reaction.js';
import { timerModule } from './timer.js';

/**
 * Every signaling module, in the order their state appears in `join_success`. A new module is one
 * file in this folder, one line here, and one line in `client/protocol-types.ts`. Modules that
 * need a service (media) get it here.
 */
export function createSignalingModules(services: { media: MediaService }): readonly AnySignalingModule[] {
  return [
    controlModule,
    moderationModule,
    raiseHandsModule,
    reactionModule,
    chatModule,
    timerModule,
    pollsModule,
    breakoutModule,
    echoModule,
    createMediaModule(services.media),
  ];
}

/** The modules of a node without media (tests of the other modules). */
export const signalingModules: readonly AnySignalingModule[] = createSignalingModules({
  media: createUnavailableMediaService('disabled'),
});
