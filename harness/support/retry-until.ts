/**
 * Waits on something outside pullcheck (a container, a kubelet, an API server) on the real clock:
 * calls `attempt` until it resolves, `intervalMs` apart, and once `timeoutMs` have passed throws
 * what `giveUp` makes of the last failure. Not for the simulation, whose time is virtual.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  options: { timeoutMs: number; intervalMs: number; giveUp: (lastError: unknown) => Error },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() >= deadline) throw options.giveUp(error);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
