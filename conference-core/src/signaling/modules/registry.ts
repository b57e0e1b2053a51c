import type { AnySignalingModule } from '../runtime/module.js';
import { controlModule } from './control.js';
import { echoModule } from './echo.js';
import { moderationModule } from './moderation.js';

/**
 * Every signaling module, in the order their state appears in `join_success`. A new module
 * (the coming `media` namespace) is one file in this folder and one line here.
 */
export const signalingModules: readonly AnySignalingModule[] = [controlModule, moderationModule, echoModule];
