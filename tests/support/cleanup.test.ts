import { describe, expect, it } from "vitest";
import { onCleanup, runCleanup } from "../../harness/support/cleanup.js";

describe("the process-wide cleanup list", () => {
  it("should release the latest first, so that a folder goes after the process writing into it", () => {
    const order: string[] = [];
    onCleanup("environment folder", () => order.push("folder"));
    onCleanup("registry", () => order.push("registry"));
    expect(runCleanup()).toEqual(["registry", "environment folder"]);
    expect(order).toEqual(["registry", "folder"]);
  });

  it("should try a handler that failed once more after the others, and not again once released", () => {
    let busy = true;
    let tries = 0;
    onCleanup("writer", () => (busy = false));
    onCleanup("folder", () => {
      tries++;
      if (busy) throw new Error("ENOTEMPTY");
    });
    expect(runCleanup()).toEqual(["writer", "folder"]);
    expect(tries).toBe(2);
    expect(runCleanup()).toEqual([]);
  });

  it("should not release what was unregistered", () => {
    const released: string[] = [];
    const forget = onCleanup("done already", () => released.push("x"));
    forget();
    expect(runCleanup()).toEqual([]);
    expect(released).toEqual([]);
  });
});
