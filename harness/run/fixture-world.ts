/** The part of a RunWorld that every backend shares: policies, fixture images and their digests, defaulting. */
import type { PolicyDefinition } from "../policy/policy-definition.js";
import { FIXTURE_VARIANTS, getFixture, variantOfDigest } from "../fixture-images/catalog.js";
import { defaultPullPolicy } from "../node/sim/kubelet/kubelet.js";
import type { RunWorld } from "./run-world.js";
import { gateEntryToObservation } from "./gate-entry.js";

export type FixtureWorld = Pick<RunWorld, "policies" | "knownDigests" | "fixture" | "digestOf" | "variantOf" | "effectivePolicy" | "toRequestObservation">;

export function fixtureWorld(policies: PolicyDefinition[]): FixtureWorld {
  // fat is known once a scenario uses it: hashing 64 MiB for every world is not free.
  const knownDigests = new Set(FIXTURE_VARIANTS.filter((v) => v !== "fat").map((v) => getFixture(v).digest));
  return {
    policies: new Map(policies.map((p) => [p.name, p])),
    knownDigests,
    fixture(variant) {
      const fixture = getFixture(variant);
      knownDigests.add(fixture.digest);
      return fixture;
    },
    digestOf: (variant) => getFixture(variant).digest,
    variantOf: (digest) => variantOfDigest(digest),
    effectivePolicy: (image, imagePullPolicy) => imagePullPolicy ?? defaultPullPolicy(image),
    toRequestObservation: gateEntryToObservation,
  };
}
