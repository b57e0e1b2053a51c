import { readFileSync } from 'node:fs';

/** The load averages (1, 5, 15 minutes), printed with each figure: other work shares the machine. */
export function loadAverage(): string {
  try {
    return `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
  } catch {
    return 'load n/a';
  }
}
