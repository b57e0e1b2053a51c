/** G.711 helpers: the prompts are stored as A-law; µ-law callers get them converted (ITU-T G.711 tables). */

function alawToLinear(a: number): number {
  let v = a ^ 0x55;
  const sign = v & 0x80;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  v = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return sign !== 0 ? v : -v;
}

function linearToUlaw(sample: number): number {
  const bias = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + bias;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa);
  return magnitude & 0xff;
}

const alawToUlawTable = Uint8Array.from({ length: 256 }, (_, a) => linearToUlaw(alawToLinear(a)));

export function alawToUlaw(alaw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(alaw.length);
  for (let i = 0; i < alaw.length; i++) out[i] = alawToUlawTable[alaw[i]!]!;
  return out;
}

/** Linear value of an A-law or µ-law byte, for level checks. */
export function g711ToLinear(codec: 'PCMA' | 'PCMU', byte: number): number {
  if (codec === 'PCMA') return alawToLinear(byte);
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return (u & 0x80) !== 0 ? 0x84 - t : t - 0x84;
}

/** One byte of silence in each law. */
export const silenceByte = { PCMA: 0xd5, PCMU: 0xff } as const;

/** The level of a G.711 frame as RFC 6464 counts it: RMS in -dBov, 0 (full scale) to 127 (silence). */
export function audioLevelOf(codec: 'PCMA' | 'PCMU', frame: Buffer): number {
  if (frame.length === 0) return 127;
  let energy = 0;
  for (let i = 0; i < frame.length; i++) {
    const sample = g711ToLinear(codec, frame[i]!) / 32768;
    energy += sample * sample;
  }
  const rms = Math.sqrt(energy / frame.length);
  return rms <= 0 ? 127 : Math.min(127, Math.max(0, Math.round(-20 * Math.log10(rms))));
}
