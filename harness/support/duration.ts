/** Go-style durations ("500ms", "10s", "1m30s", "1.5h"), kept in milliseconds. */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Parses a Go duration; returns undefined when the text is not one. "0" is accepted. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  if (trimmed === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2]!] ?? NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

/**
 * Formats milliseconds the way Go's time.Duration.String() prints a duration that was
 * truncated to milliseconds (the kubelet's Pulled message: "523ms", "39.356s", "1m2.003s").
 */
export function formatGoDuration(ms: number): string {
  const whole = Math.max(0, Math.trunc(ms));
  if (whole === 0) return "0s";
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const millis = whole % 60_000;
  const seconds = trimFraction((millis / 1_000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Human form for reports: "10s", "5m", "1m30s", "250ms". */
export function formatDuration(ms: number): string {
  return formatGoDuration(ms)
    .replace(/^(\d+h)0m0s$/, "$1")
    .replace(/^(\d+m)0s$/, "$1")
    .replace(/^(\d+h\d+m)0s$/, "$1");
}

function trimFraction(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
