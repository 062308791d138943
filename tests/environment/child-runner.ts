// Started by signals.test.ts: brings an environment up, says where it is, and waits to be killed.
import { startEnvironment } from "../../harness/environment/environment.js";

const toolsDir = process.argv[2]!;
const environment = await startEnvironment({ toolsDir });
const pids = [...new Set(process.argv.slice(3))];
console.log(JSON.stringify({ ready: true, endpoint: environment.endpoint, registryUrl: environment.registryUrl, pids }));
setInterval(() => {}, 1_000);
