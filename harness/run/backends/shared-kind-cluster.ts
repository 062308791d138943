/**
 * One kind cluster for every world of a run: the first world to start creates it, each world
 * holds one of its test nodes (and an environment of its own), and the last world to close
 * deletes it. A cluster that failed to be created is tried again by the next world.
 */
import type { KindCluster } from "../../node/kind/kind-cluster.js";

export interface ClaimedNode {
  cluster: KindCluster;
  node: string;
  release(): Promise<void>;
}

export class SharedKindCluster {
  private creating: Promise<KindCluster> | undefined;
  private freeNodes: string[] = [];
  private holders = 0;

  constructor(
    private readonly make: () => KindCluster,
    private readonly onDeleted: () => void,
  ) {}

  async claim(): Promise<ClaimedNode> {
    this.holders++;
    let node: string | undefined;
    const release = async () => {
      if (node) this.freeNodes.push(node);
      if (--this.holders === 0) await this.deleteCluster();
    };
    try {
      const cluster = await (this.creating ??= this.create());
      node = this.freeNodes.shift();
      if (!node) throw new Error(`every test node of the kind cluster is taken (${cluster.testNodes.length}); the world pool is larger than the cluster`);
      return { cluster, node, release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  private async create(): Promise<KindCluster> {
    const cluster = this.make();
    try {
      await cluster.create();
    } catch (error) {
      this.creating = undefined;
      await cluster.delete();
      throw error;
    }
    this.freeNodes = [...cluster.testNodes];
    return cluster;
  }

  private async deleteCluster(): Promise<void> {
    const cluster = await this.creating?.catch(() => undefined);
    this.creating = undefined;
    if (cluster) await cluster.delete();
    this.onDeleted();
  }
}
