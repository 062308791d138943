/**
 * The registry as a container (container mode): the run's storage and config directories are
 * bind-mounted, so backup, restore, reset and users work on the same files as in process mode.
 * A restart is a new container on the same network alias; its address may change, so `url` is
 * read at each use.
 */
import { EnvironmentError, errorMessage } from "../../support/errors.js";
import { writeRegistryConfig } from "./registry-config.js";
import type { RegistryServer } from "./registry-server.js";
import type { StartedTestContainer } from "testcontainers";

export interface RegistryContainerOptions {
  image: string;
  network: string;
  alias: string;
  labels: Record<string, string>;
  storageDir: string;
  configDir: string;
}

const IN_CONTAINER = { storageDir: "/var/lib/registry", configDir: "/etc/pullcheck", addr: ":5000" };

export class RegistryContainer implements RegistryServer {
  private container: StartedTestContainer | undefined;
  private ip = "";
  private users = new Map<string, string>();

  constructor(private readonly options: RegistryContainerOptions) {}

  get url(): string {
    return `http://${this.ip}:5000`;
  }

  get whereabouts(): string {
    return this.container ? `container ${this.container.getName().replace(/^\//, "")}` : "not running";
  }

  async setUsers(users: Map<string, string>): Promise<void> {
    this.users = new Map(users);
    await this.stop();
    await this.start();
  }

  async start(): Promise<void> {
    const { GenericContainer } = await import("testcontainers");
    const config = writeRegistryConfig(this.options.configDir, IN_CONTAINER, this.users);
    const user = process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined;
    let builder = new GenericContainer(this.options.image)
      .withName(`${this.options.alias}-${Date.now().toString(36)}`)
      .withNetworkMode(this.options.network)
      .withNetworkAliases(this.options.alias)
      .withLabels(this.options.labels)
      .withEnvironment({ OTEL_TRACES_EXPORTER: "none" })
      .withBindMounts([
        { source: this.options.storageDir, target: IN_CONTAINER.storageDir, mode: "rw" },
        { source: this.options.configDir, target: IN_CONTAINER.configDir, mode: "rw" },
      ])
      .withCommand(["serve", config]);
    // Files in the run's directory stay this user's, so they can be removed without root.
    if (user) builder = builder.withUser(user);
    this.container = await builder.start();
    this.ip = this.container.getIpAddress(this.options.network);
    await this.waitUntilAnswering();
  }

  async stop(): Promise<void> {
    await this.container?.stop({ timeout: 1_000 });
    this.container = undefined;
  }

  private async waitUntilAnswering(): Promise<void> {
    const until = Date.now() + 15_000;
    let last = "";
    while (Date.now() < until) {
      try {
        const response = await fetch(`${this.url}/v2/`, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        if (response.status === 200 || response.status === 401) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = errorMessage(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const logs = await this.containerLogs();
    throw new EnvironmentError(
      `the registry container did not answer at ${this.url}/v2/ (${last}). Its last output:\n${logs}`,
      "check the image (make images builds a stand-in) and the output above",
    );
  }

  private async containerLogs(): Promise<string> {
    if (!this.container) return "";
    const stream = await this.container.logs({ tail: 40 });
    let text = "";
    await new Promise<void>((resolve) => {
      stream.on("data", (chunk: Buffer | string) => (text += chunk.toString()));
      stream.on("end", resolve);
      stream.on("error", () => resolve());
      setTimeout(resolve, 1_000);
    });
    return text;
  }
}
