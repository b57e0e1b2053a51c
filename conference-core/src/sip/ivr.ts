/**
 * The dial-in menu as a pure state machine: digits in, actions out. Conference id, `#`, PIN, `#`;
 * `*` clears what was typed so far. A wrong pair, or an entry far longer than any id or PIN (a
 * DTMF flood), costs an attempt; after the last one the caller is told goodbye.
 */
export type PromptName =
  'welcome' | 'pin' | 'wrong' | 'goodbye' | 'waiting' | 'joined' | 'muted' | 'unmuted' | 'unavailable';

export type IvrAction =
  | { readonly kind: 'prompt'; readonly prompt: PromptName }
  | { readonly kind: 'check'; readonly id: string; readonly pin: string }
  | { readonly kind: 'goodbye' };

/** Longer than any conference id (10) or PIN (12): such an entry is a flood, not a typo. */
const maxEntryLength = 16;

export class DialInMenu {
  private stage: 'id' | 'pin' | 'checking' | 'done' = 'id';
  private entry = '';
  private id = '';
  private failures = 0;

  private readonly maxAttempts: number;

  constructor(maxAttempts: number) {
    this.maxAttempts = maxAttempts;
  }

  get state(): 'id' | 'pin' | 'checking' | 'done' {
    return this.stage;
  }

  get attemptsUsed(): number {
    return this.failures;
  }

  /** Where the call starts: with the welcome prompt, or (direct dial) with the check. */
  start(direct?: { id: string; pin?: string | undefined }): IvrAction {
    if (direct?.pin !== undefined) {
      this.stage = 'checking';
      return { kind: 'check', id: direct.id, pin: direct.pin };
    }
    if (direct !== undefined) {
      this.id = direct.id;
      this.stage = 'pin';
      return { kind: 'prompt', prompt: 'pin' };
    }
    return { kind: 'prompt', prompt: 'welcome' };
  }

  digit(digit: string): IvrAction | undefined {
    if (this.stage !== 'id' && this.stage !== 'pin') return undefined;
    if (digit === '*') {
      this.entry = '';
      return undefined;
    }
    if (digit !== '#') {
      if (!/^[0-9]$/.test(digit)) return undefined;
      this.entry += digit;
      return this.entry.length > maxEntryLength ? this.failed() : undefined;
    }
    const typed = this.entry;
    this.entry = '';
    if (typed.length === 0) return undefined;
    if (this.stage === 'id') {
      this.id = typed;
      this.stage = 'pin';
      return { kind: 'prompt', prompt: 'pin' };
    }
    this.stage = 'checking';
    return { kind: 'check', id: this.id, pin: typed };
  }

  /** The answer to a `check`: refused (wrong id or PIN) starts over or ends. */
  refused(): IvrAction {
    return this.failed();
  }

  accepted(): void {
    this.stage = 'done';
  }

  /** Nothing typed for too long: counts like a wrong attempt. */
  timedOut(): IvrAction | undefined {
    if (this.stage !== 'id' && this.stage !== 'pin') return undefined;
    return this.failed();
  }

  private failed(): IvrAction {
    this.failures += 1;
    this.entry = '';
    this.id = '';
    if (this.failures >= this.maxAttempts) {
      this.stage = 'done';
      return { kind: 'goodbye' };
    }
    this.stage = 'id';
    return { kind: 'prompt', prompt: 'wrong' };
  }
}

/**
 * Direct dial: a Request-URI user of ten digits is the conference id (the caller is asked for the
 * PIN only); `<id>*<pin>` or `<id>#<pin>` (URI-escaped `%23`) carries the PIN too and skips the menu.
 */
export function directDial(requestUser: string | undefined): { id: string; pin?: string } | undefined {
  if (requestUser === undefined) return undefined;
  const user = decodeURIComponentSafe(requestUser);
  const match = /^(?:conf-)?([0-9]{10})(?:[*#]([0-9]{4,12}))?$/.exec(user);
  if (match === null) return undefined;
  return match[2] === undefined ? { id: match[1]! } : { id: match[1]!, pin: match[2] };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
