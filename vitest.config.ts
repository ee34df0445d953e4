/**
 * Three projects, all run by `npm test` (`vitest run`):
 *
 * - `node`: the unit, model-based and integration suites, test/**\/*.test.ts except the two below,
 *   against src/. `npm run test:node` runs this one alone.
 * - `browser`: test/browser/ in real headless Chromium (the Debian `chromium` package, driven by
 *   Playwright; no browser is downloaded), against the built dist/. Without Chromium it is a
 *   single failing test that gives the install command: a missing browser never passes silently.
 * - `runtimes`: test/runtimes/, the built package in Node (ESM and CJS through its exports map),
 *   Deno, Bun and workerd (Miniflare on 127.0.0.1).
 *
 * The last two need dist/ (`npm run build`, which `pretest` runs).
 */
import { playwright } from '@vitest/browser-playwright';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const dist = (path: string) => fileURLToPath(new URL(`dist/${path}`, import.meta.url));
const source = fileURLToPath(new URL('src/index.ts', import.meta.url));

const browser: TestProjectInlineConfiguration = existsSync(CHROMIUM)
  ? {
      resolve: {
        // Browser tests import the package by name and get what a user's bundler gets.
        alias: [
          { find: /^flatsched\/slim$/, replacement: dist('slim.js') },
          { find: /^flatsched$/, replacement: dist('index.js') },
        ],
      },
      server: { host: '127.0.0.1' },
      test: {
        name: 'browser',
        include: ['test/browser/**/*.test.ts'],
        exclude: ['test/browser/chromium-missing.test.ts'],
        testTimeout: 60_000,
        browser: {
          enabled: true,
          headless: true,
          screenshotFailures: false,
          provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
          instances: [{ browser: 'chromium' }],
          api: { host: '127.0.0.1' },
        },
      },
    }
  : {
      test: {
        name: 'browser',
        include: ['test/browser/chromium-missing.test.ts'],
        env: { CHROMIUM_PATH: CHROMIUM },
      },
    };

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        // Examples import the package by name; in the node suite that name is the source tree.
        resolve: { alias: [{ find: /^flatsched$/, replacement: source }] },
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/runtimes/**'],
        },
      },
      browser,
      {
        extends: true,
        test: {
          name: 'runtimes',
          include: ['test/runtimes/**/*.test.ts'],
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
