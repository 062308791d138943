/** The process's peak resident memory while something runs (sampled, and the kernel's high-water mark). */
export interface MemoryPeak {
  stop(): { peakRssBytes: number };
}

export function watchMemoryPeak(intervalMs = 200): MemoryPeak {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      // maxRSS is the process's high-water mark in KiB since it started: an upper bound that
      // includes whatever ran before; the sampled peak is what this run reached.
      peak = Math.max(peak, process.memoryUsage.rss());
      return { peakRssBytes: peak };
    },
  };
}
