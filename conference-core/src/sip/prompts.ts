import { readFileSync } from 'node:fs';

import { alawToUlaw } from './g711.js';
import type { PromptName } from './ivr.js';
import type { G711 } from './sdp.js';

export type PromptLanguage = 'de' | 'en';

const names: readonly PromptName[] = [
  'welcome',
  'pin',
  'wrong',
  'goodbye',
  'waiting',
  'joined',
  'muted',
  'unmuted',
  'unavailable',
];

/**
 * The spoken prompts, 8 kHz G.711 in both laws, loaded once. The A-law files in `prompts/` are
 * made by `conference-core/scripts/make-sip-prompts.sh` (espeak-ng + sox) and committed.
 */
export interface PromptSet {
  get(name: PromptName, codec: G711): Buffer;
}

export function loadPrompts(language: PromptLanguage): PromptSet {
  const alaw = new Map<PromptName, Buffer>();
  const ulaw = new Map<PromptName, Buffer>();
  for (const name of names) {
    const file = readFileSync(new URL(`./prompts/${language}-${name}.alaw`, import.meta.url));
    alaw.set(name, file);
    ulaw.set(name, alawToUlaw(file));
  }
  return {
    get: (name, codec) => (codec === 'PCMA' ? alaw : ulaw).get(name)!,
  };
}
