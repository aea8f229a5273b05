/** What one run of `npm run bench` measured and judged: written to bench/results/latest.json. */
import type { CpuRatioCheck, EntitiesCheck, PushdownCheck } from './checks.js';
import type { Measurement } from './measure.js';
import type { ScenarioKey } from './scenarios.js';
import type { BenchSettings } from './settings.js';

export interface BenchResults {
  startedAt: string;
  elapsedSeconds?: number;
  machine: { cpu: string; cpus: number; memoryGiB: number; node: string; kernel: string; loadAverageAtStart: number[] };
  settings: BenchSettings;
  measurements: Measurement[];
  checks: {
    equivalence?: {
      scenario: ScenarioKey;
      gateway: string[];
      direct: string[];
      /** No REST call does the same work (two dependent calls): only the request count is compared. */
      noBaseline?: boolean;
      expectedRequests?: number | undefined;
      same: boolean;
      error?: string;
    }[];
    pushdown?: PushdownCheck;
    entities?: EntitiesCheck;
    cpuRatio?: CpuRatioCheck;
  };
  targets?: TargetVerdict[];
}

export interface TargetVerdict {
  target: string;
  measured: string;
  /** 'info' marks a figure shown for comparison, not a target. */
  verdict: 'met' | 'NOT met' | 'not measured' | 'info';
}
