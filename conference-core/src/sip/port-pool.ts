import { createSocket, type Socket } from 'node:dgram';

/**
 * RTP ports for calls, from the configured range (firewalls open exactly that range). Ports are
 * taken by binding; a port something else holds is skipped. Even ports only (RTP convention;
 * RTCP is not used, so the odd one stays free).
 */
export class RtpPortPool {
  private next: number;
  private readonly inUse = new Set<number>();
  private readonly host: string;
  private readonly min: number;
  private readonly max: number;

  constructor(host: string, min: number, max: number) {
    this.host = host;
    this.min = min;
    this.max = max;
    if (min > max || min < 1024 || max > 65535) throw new RangeError(`bad RTP port range ${min}-${max}`);
    this.next = min + (min % 2);
  }

  get used(): number {
    return this.inUse.size;
  }

  /** A UDP socket bound to a free port of the range; rejects when the range is exhausted. */
  async bind(): Promise<{ socket: Socket; port: number; release: () => void }> {
    const count = Math.floor((this.max - this.min) / 2) + 1;
    for (let tried = 0; tried < count; tried++) {
      const port = this.next;
      this.next = port + 2 > this.max ? this.min + (this.min % 2) : port + 2;
      if (this.inUse.has(port)) continue;
      const socket = createSocket('udp4');
      const bound = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, this.host, () => resolve(true));
      });
      if (!bound) {
        socket.close();
        continue;
      }
      this.inUse.add(port);
      let released = false;
      return {
        socket,
        port,
        release: () => {
          if (released) return;
          released = true;
          this.inUse.delete(port);
          try {
            socket.close();
          } catch {
            // closed already
          }
        },
      };
    }
    throw new Error(`no free RTP port in ${this.min}-${this.max}`);
  }
}
