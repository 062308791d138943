import { describe, expect, it } from "vitest";
import { formatGoDuration, parseDuration } from "../../harness/support/duration.js";
import { parseSize } from "../../harness/support/size.js";

describe("parseDuration", () => {
  it("should read Go durations", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("0")).toBe(0);
  });

  it("should refuse what is not a Go duration", () => {
    for (const text of ["", "10", "5 minutes", "1d", "s", "-1s"]) expect(parseDuration(text)).toBeUndefined();
  });
});

describe("formatGoDuration", () => {
  it("should print like Go's time.Duration.String() after truncation to milliseconds", () => {
    expect(formatGoDuration(523)).toBe("523ms");
    expect(formatGoDuration(39_356)).toBe("39.356s");
    expect(formatGoDuration(62_003)).toBe("1m2.003s");
    expect(formatGoDuration(10_000)).toBe("10s");
    expect(formatGoDuration(3_600_000)).toBe("1h0m0s");
    expect(formatGoDuration(0.4)).toBe("0s");
  });
});

describe("parseSize", () => {
  it("should read binary and decimal units", () => {
    expect(parseSize("64KiB")).toBe(65_536);
    expect(parseSize("1MiB")).toBe(1_048_576);
    expect(parseSize("1MB")).toBe(1_000_000);
    expect(parseSize("12")).toBe(12);
    expect(parseSize("lots")).toBeUndefined();
  });
});
