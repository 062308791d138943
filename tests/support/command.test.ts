import { describe, expect, it } from "vitest";
import { CommandError, commandOutputOrUndefined, runCommand, runCommandSync } from "../../harness/support/command.js";
import { EnvironmentError } from "../../harness/support/errors.js";

describe("runCommand", () => {
  it("should return the output of a command that exits 0, with its input and arguments passed as given", async () => {
    expect((await runCommand("cat", [], { input: "from stdin" })).stdout).toBe("from stdin");
    expect(runCommandSync("printf", ["%s|", "two words", "$HOME", "a'b"]).stdout).toBe("two words|$HOME|a'b|");
  });

  it("should fail with the command, its exit code and its output, as an environment problem with the hint", async () => {
    const error = await runCommand("sh", ["-c", "echo out; echo broken >&2; exit 3"], { hint: "try again" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).toMatchObject({ command: "sh -c echo out; echo broken >&2; exit 3", exitCode: 3, stdout: "out\n", stderr: "broken\n" });
    expect((error as Error).message).toBe("`sh -c echo out; echo broken >&2; exit 3` exited with 3:\nbroken\n  hint: try again");
  });

  it("should name the signal of a command it ended at its timeout, and say when a command does not exist", async () => {
    const error = (await runCommand("sleep", ["5"], { timeoutMs: 100 }).catch((e: unknown) => e)) as CommandError;
    expect(error.exitCode).toBeNull();
    expect(error.message).toMatch(/^`sleep 5` was ended by SIGTERM/);
    expect(commandOutputOrUndefined("pullcheck-no-such-command", [])).toBeUndefined();
    expect(() => runCommandSync("pullcheck-no-such-command", [])).toThrow(/exited with 127:\n.*not found/);
  });

  it("should kill a blocking command at its timeout, even one that ignores SIGTERM", () => {
    expect(() => runCommandSync("bash", ["-c", "trap '' TERM; sleep 5"], { timeoutMs: 200 })).toThrow(/was ended by SIGKILL after its 200 ms timeout/);
  });
});
