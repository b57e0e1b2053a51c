import { useEffect } from 'react';

/** Calls `load` now and then every `everyMs` while `enabled`; faster while a run is live. */
export function usePolling(load: () => Promise<void>, enabled: boolean, everyMs: number): void {
  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await load();
      if (!stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [load, enabled, everyMs]);
}
