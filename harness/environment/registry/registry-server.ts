/** A running registry, as a process or as a container: what the admin and the environment need of it. */
export interface RegistryServer {
  /** Where this machine reaches it (administration only; nodes go through Toxiproxy). */
  readonly url: string;
  /** Process id, or container id, for --retain. */
  readonly whereabouts: string;
  /** Users the registry requires (htpasswd); an empty map means no auth. A change is a restart. */
  setUsers(users: Map<string, string>): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
