/**
 * The registry as steps change it, with what the security invariants need to know afterwards:
 * whether the registry ever required authentication, and each user's password now.
 */
import type { StepContext } from "../scenario/steps/index.js";
import type { RegistryImage } from "../scenario/types.js";
import type { RunWorld } from "./run-world.js";

export class RegistryLedger implements Readonly<StepContext["registry"]> {
  registryPrivate = false;
  private readonly passwords = new Map<string, string>();

  constructor(private readonly world: RunWorld) {}

  /** The scenario's starting registry: users first, then images. */
  async seed(users: Record<string, string>, images: RegistryImage[]): Promise<void> {
    for (const [user, password] of Object.entries(users)) await this.grant(user, password);
    for (const image of images) await this.push(image);
  }

  push(image: RegistryImage): Promise<void> {
    return this.world.environment.admin.pushImage(image.repo, image.tag, this.world.fixture(image.variant));
  }

  untag(repo: string, tag: string): Promise<void> {
    return this.world.environment.admin.untag(repo, tag);
  }

  backup(name: string): Promise<void> {
    return this.world.environment.admin.backup(name);
  }

  restore(name: string): Promise<void> {
    return this.world.environment.admin.restore(name);
  }

  async grant(user: string, password: string): Promise<void> {
    await this.world.environment.admin.grant(user, password);
    this.passwords.set(user, password);
    this.registryPrivate = true;
  }

  revoke(user: string): Promise<void> {
    return this.world.environment.admin.revoke(user);
  }

  passwordOf(user: string): string | undefined {
    return this.passwords.get(user);
  }
}
