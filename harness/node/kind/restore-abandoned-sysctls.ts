/** `make clean`: writes back the host's sysctls recorded by kind runs that were killed (host-sysctls.ts). */
import { restoreAbandonedHostSysctls } from "./host-sysctls.js";

for (const line of restoreAbandonedHostSysctls()) console.log(`pullcheck: host sysctl ${line}`);
