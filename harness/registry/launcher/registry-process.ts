/**
 * The CNCF Distribution registry as a child process: filesystem storage in the run's directory,
 * deletes enabled, optional htpasswd (bcrypt) auth, listening on one fixed 127.0.0.1 port so
 * that it can be stopped and started again (restore, user changes) at the same address.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { stringify } from "yaml";
import { EnvironmentError } from "../../support/errors.js";
import { startProcess, waitForHttp, type ManagedProcess } from "../../support/managed-process.js";

export interface RegistryProcessOptions {
  binary: string;
  port: number;
  /** Storage root; the caller owns it (backup/restore swap it while stopped). */
  storageDir: string;
  /** Where config.yml and htpasswd go. */
  configDir: string;
}

export class RegistryProcess {
  private process: ManagedProcess | undefined;
  private users = new Map<string, string>();

  constructor(private readonly options: RegistryProcessOptions) {
    if (!existsSync(options.binary)) throw new EnvironmentError(`the registry binary is missing: ${options.binary}`, "run `make setup` (it installs the pinned registry with go install)");
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Users the registry requires (htpasswd). An empty map means no auth at all. */
  async setUsers(users: Map<string, string>): Promise<void> {
    this.users = new Map(users);
    await this.restart();
  }

  async start(): Promise<void> {
    const configFile = join(this.options.configDir, "config.yml");
    writeFileSync(configFile, stringify(this.config()));
    if (this.users.size > 0) {
      const lines = [...this.users].map(([user, password]) => `${user}:${bcryptHash(password)}`);
      writeFileSync(join(this.options.configDir, "htpasswd"), `${lines.join("\n")}\n`);
    }
    this.process = startProcess("registry", this.options.binary, ["serve", configFile]);
    await waitForHttp(this.process, `${this.url}/v2/`, [200, 401]);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private config(): object {
    return {
      version: 0.1,
      log: { level: "error", accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: this.options.storageDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
      http: { addr: `127.0.0.1:${this.options.port}`, secret: "pullcheck-local-only" },
      ...(this.users.size > 0 ? { auth: { htpasswd: { realm: "pullcheck", path: join(this.options.configDir, "htpasswd") } } } : {}),
    };
  }
}

// bcrypt cost 5: the registry only checks that it is bcrypt; speed matters for tests. A password
// keeps its hash for the whole process (any valid hash will do, and hashing is slow in JS).
const hashes = new Map<string, string>();
function bcryptHash(password: string): string {
  let hash = hashes.get(password);
  if (!hash) hashes.set(password, (hash = bcrypt.hashSync(password, 5)));
  return hash;
}
