// Started by signals.test.ts: brings an environment up, says where it is, and waits to be killed.
import { startEnvironment } from "../../harness/environment/environment.js";

const [toolsDir, tempRoot] = process.argv.slice(2);
const environment = await startEnvironment({ toolsDir: toolsDir!, tempRoot: tempRoot! });
console.log(JSON.stringify({ ready: true, endpoint: environment.endpoint, registryUrl: environment.registryUrl }));
setInterval(() => {}, 1_000);
