// Pages with a Content-Security-Policy: Chromium refuses every WebAssembly compilation (sync,
// async and streaming alike) unless script-src allows 'wasm-unsafe-eval'. Each case loads the
// built package into a fresh frame carrying the policy and reports what happened.
import { expect, it } from 'vitest';

interface Outcome {
  /** `new PriorityQueue()` before any init: "ok" or the error's class and message. */
  zeroConfig: string;
  zeroConfigIsStateError: boolean;
  /** `await init({ url })` and then a structure. */
  initUrl: string;
}

const probe = `
  const lib = await import('/dist/index.js');
  const describe = (e) => e.constructor.name + ': ' + e.message;
  const out = {};
  try { const pq = new lib.PriorityQueue(); pq.push('x', 1); out.zeroConfig = pq.pop() === 'x' ? 'ok' : 'wrong'; }
  catch (e) { out.zeroConfig = describe(e); out.zeroConfigIsStateError = e instanceof lib.StateError; }
  try { await lib.init({ url: '/dist/flatsched.wasm' }); const q = new lib.NumericQueue(); q.push(7); out.initUrl = q.shift() === 7 ? 'ok' : 'wrong'; }
  catch (e) { out.initUrl = describe(e); }
  parent.postMessage({ csp: out }, '*');
`;

function underPolicy(policy: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    const timer = setTimeout(() => reject(new Error(`no answer from the frame under ${policy}`)), 20_000);
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow || !event.data?.csp) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      resolve(event.data.csp as Outcome);
    };
    window.addEventListener('message', onMessage);
    frame.srcdoc =
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${policy}">` +
      `<script type="module">${probe}</script>`;
    document.body.append(frame);
  });
}

it("with 'wasm-unsafe-eval', both the embedded module and init({ url }) work", async () => {
  const outcome = await underPolicy("default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'");
  expect(outcome.zeroConfig).toBe('ok');
  expect(outcome.initUrl).toBe('ok');
});

it("without 'wasm-unsafe-eval', creating a structure throws a StateError that says to call init", async () => {
  const outcome = await underPolicy("default-src 'self'; script-src 'self' 'unsafe-inline'");
  expect(outcome.zeroConfig).toMatch(/init\(/);
  expect(outcome.zeroConfigIsStateError).toBe(true);
  // No path can compile under this policy, the separate file included: the page must allow it.
  expect(outcome.initUrl).toMatch(/wasm-unsafe-eval|unsafe-eval/);
});
