import { createServer, type Server } from 'node:http';

import type { HubConfig } from '../config.js';

/** An HTTP server listening on HOST:PORT, with no handler yet (the app is mounted once the URL is known). */
export function listen(config: HubConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.listen(config.port, config.host);
  });
}
