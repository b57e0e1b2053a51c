import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium, type Browser } from 'playwright-core';

import { ensureWebClientBuilt, webClientDist } from '@vc/hub/testing';
import { startApiHub } from '../src/support/api-hub.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';

/**
 * The web client's production bundle (JS, gzip; bar: main bundle under 350 KB) and the time from
 * opening `/rooms/<id>` in a fresh browser context to the lobby's "Join now" button, against an
 * empty Vite page served the same way, in the same run.
 */
/** Timed page loads per side: 10 (BENCH_RUNS), 3 with `--quick`. */
let runs = Number(process.env['BENCH_RUNS'] ?? 10);

function gzipSizes(dir: string): { file: string; bytes: number }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, bytes: gzipSync(readFileSync(join(dir, file))).length }));
}

/** An empty Vite page, built and served from this process as plain files. */
async function emptyVitePage(): Promise<{ url: string; close: () => Promise<void>; bytes: number }> {
  const root = mkdtempSync(join(tmpdir(), 'vc-bench-empty-'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script type="module" src="/main.ts"></script></body></html>',
  );
  writeFileSync(
    join(root, 'main.ts'),
    "document.getElementById('root')!.innerHTML = '<button>ready</button>';\n",
  );
  const { build } = await import('vite');
  await build({ root, configFile: false, logLevel: 'warn', build: { outDir: join(root, 'dist') } });
  const dist = join(root, 'dist');
  const server = createServer((req, res) => {
    const path = join(dist, req.url === '/' || req.url === undefined ? 'index.html' : req.url);
    if (!path.startsWith(dist) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(path));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const bytes = gzipSizes(join(root, 'dist', 'assets')).reduce((sum, f) => sum + f.bytes, 0);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    bytes,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Milliseconds from `goto` to the button being visible, each run in a fresh context (cold cache). */
async function timeToButton(
  browser: Browser,
  url: string,
  button: string,
  token?: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const context = await browser.newContext();
    if (token !== undefined) {
      await context.addInitScript(
        (value) =>
          (
            globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
          ).sessionStorage.setItem('vc-web-token', value),
        token,
      );
    }
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url);
    await page.getByRole('button', { name: button }).waitFor({ timeout: 30_000 });
    if (i >= 2) times.push(performance.now() - started); // the first two warm up the servers
    await context.close();
  }
  return times.sort((a, b) => a - b);
}

export const webBenchmark: Benchmark = {
  name: 'web',
  description:
    'web client bundle size (JS gzip) and /rooms/<id> to an interactive lobby vs an empty Vite page',
  async run(args) {
    const quick = isQuick(args);
    if (quick) runs = Number(process.env['BENCH_RUNS'] ?? 3);
    await ensureWebClientBuilt();
    const bundle = gzipSizes(join(webClientDist, 'assets'));
    const empty = await emptyVitePage();
    const api = await startApiHub({ LOG_LEVEL: 'silent' });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
      ],
    });
    try {
      // The main bundle is what the first page load fetches: the entry and the chunks `index.html`
      // preloads. Lazy chunks (the admin dashboard, decision 0030) come only when opened.
      const html = readFileSync(join(webClientDist, 'index.html'), 'utf8');
      const initial = bundle.filter((f) => html.includes(`/assets/${f.file}"`));
      const main = initial.reduce((sum, f) => sum + f.bytes, 0);
      for (const f of bundle) {
        const when = initial.includes(f) ? 'first load' : 'lazy';
        console.log(`${f.file.padEnd(28)} ${(f.bytes / 1024).toFixed(1)} KB gzip (${when})`);
      }
      console.log(
        `main bundle ${(main / 1024).toFixed(1)} KB gzip (bar < 350 KB); empty Vite page ${(empty.bytes / 1024).toFixed(1)} KB`,
      );

      const token = await api.token('alice');
      const created = await api.call('/v1/rooms', { method: 'POST', token, body: {} });
      const { id } = (await created.json()) as { id: string };
      const baseline = await timeToButton(browser, empty.url, 'ready');
      const lobby = await timeToButton(browser, `${api.url}/rooms/${id}`, 'Join now', token);
      const line = (label: string, times: number[]) =>
        console.log(
          `${label.padEnd(22)} p50 ${percentile(times, 50).toFixed(0)} ms  p95 ${percentile(times, 95).toFixed(0)} ms`,
        );
      line('empty Vite page', baseline);
      line('/rooms/<id> to lobby', lobby);
      const ratio = percentile(lobby, 50) / percentile(baseline, 50);
      console.log(`ratio p50 lobby/empty: ${ratio.toFixed(2)}x`);
      printResult({
        name: 'web',
        ratio,
        bars: [bar('main_bundle_kb', main / 1024, '< 350')],
        figures: {
          runs,
          lobby_p50_ms: Math.round(percentile(lobby, 50)),
          lobby_p95_ms: Math.round(percentile(lobby, 95)),
          empty_p50_ms: Math.round(percentile(baseline, 50)),
          empty_page_kb: Number((empty.bytes / 1024).toFixed(1)),
        },
        ...(quick && { quick }),
      });
    } finally {
      await browser.close();
      await api.stop();
      await empty.close();
    }
  },
};
