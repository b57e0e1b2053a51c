import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * What the kernel knows about other processes, for benchmarks: CPU time from /proc/<pid>/stat and
 * UDP receive drops (full socket buffers) of the sockets they own, from /proc/net/udp.
 */

const ticksPerSecond = 100; // USER_HZ on Linux

/** User + system CPU of a process so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) inodes.add(inode);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return inodes;
}

/** UDP datagrams the kernel dropped (receive buffer full) on the sockets these processes hold now. */
export function udpDrops(pids: readonly number[]): number {
  const inodes = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (fields.length >= 13 && inodes.has(fields[9]!)) drops += Number(fields[12]);
  }
  return drops;
}
