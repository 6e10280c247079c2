// When to try again. Delays follow a fixed schedule (about 3 days in all by default) with +-20 %
// jitter, so endpoints that failed together do not all get retried in the same second.
export type AttemptVerdict = 'succeeded' | 'gone' | 'retryable';

/** 2xx ends a delivery; 410 Gone says the receiver was removed on purpose; anything else is retried. */
export function verdictOf(statusCode: number | null): AttemptVerdict {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 410) return 'gone';
  return 'retryable';
}

/** Delay before the attempt after attempt number `attempts` (1-based); undefined: give up. */
export function retryDelayMs(attempts: number, schedule: readonly number[], random: () => number = Math.random): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * random()));
}
