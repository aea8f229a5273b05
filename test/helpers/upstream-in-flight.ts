import type { Sandbox } from '../../src/sandbox/index.js';

/**
 * Peak number of Graph requests the sandbox was serving at once, measured at the sandbox: its log
 * records each request on arrival with status 0 until it is answered. Sampled every 2 ms, which
 * is exact for tests whose upstream answers take 100 ms or more.
 */
export function watchUpstreamInFlight(sandbox: Sandbox): { peak(): number; stop(): number } {
  let peak = 0;
  const sample = () => {
    let inFlight = 0;
    for (const request of sandbox.requests) if (request.status === 0) inFlight++;
    peak = Math.max(peak, inFlight);
  };
  const timer = setInterval(sample, 2);
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
