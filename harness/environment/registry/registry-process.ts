/**
 * The CNCF Distribution registry as a child process: filesystem storage in the run's directory,
 * deletes enabled, optional htpasswd (bcrypt) auth, listening on one fixed 127.0.0.1 port so
 * that it can be stopped and started again (restore, user changes) at the same address.
 */
import { existsSync } from "node:fs";
import { EnvironmentError } from "../../support/errors.js";
import { startProcess, waitForHttp, type ManagedProcess } from "../../support/managed-process.js";
import { writeRegistryConfig } from "./registry-config.js";
import type { RegistryServer } from "./registry-server.js";

export interface RegistryProcessOptions {
  binary: string;
  port: number;
  /** Storage root; the caller owns it (backup/restore swap it while stopped). */
  storageDir: string;
  /** Where config.yml and htpasswd go. */
  configDir: string;
}

export class RegistryProcess implements RegistryServer {
  private process: ManagedProcess | undefined;
  private users = new Map<string, string>();

  constructor(private readonly options: RegistryProcessOptions) {
    if (!existsSync(options.binary))
      throw new EnvironmentError(`the registry binary is missing: ${options.binary}`, "run `make setup` (it installs the pinned registry with go install)");
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get whereabouts(): string {
    return `pid ${this.process?.pid}`;
  }

  async setUsers(users: Map<string, string>): Promise<void> {
    this.users = new Map(users);
    await this.stop();
    await this.start();
  }

  async start(): Promise<void> {
    const { storageDir, configDir, port } = this.options;
    const configFile = writeRegistryConfig(configDir, { storageDir, configDir, addr: `127.0.0.1:${port}` }, this.users);
    this.process = startProcess("registry", this.options.binary, ["serve", configFile]);
    await waitForHttp(this.process, `${this.url}/v2/`, [200, 401]);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }
}
