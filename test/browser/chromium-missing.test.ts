// Stands in for the browser suite when no Chromium is installed (see vitest.config.ts): the suite
// must fail, never skip, and say how to get the browser.
import { existsSync } from 'node:fs';
import { it } from 'vitest';

it('Chromium is installed for the browser suite', () => {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `The browser suite runs in headless Chromium, and there is none at ${path}. ` +
        'Install it with `sudo apt-get update && sudo apt-get install -y chromium` ' +
        '(or point CHROMIUM_PATH at a Chromium or Chrome binary), then run `npm test` again.',
    );
  }
});
