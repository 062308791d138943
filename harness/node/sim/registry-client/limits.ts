/**
 * How much the simulated node takes from a registry. The manifest limit is containerd's (and its
 * literal really is 4 * 1048 * 1048, not 4 MiB: core/remotes/docker/resolver.go,
 * MaxManifestSize); containerd applies it only to the manifest a reference resolves to, and
 * pullcheck to every manifest, index and config it reads whole, since a larger one would be
 * held in memory at once (one million layers make a 150 MB manifest).
 */
export const MAX_MANIFEST_SIZE = 4 * 1048 * 1048;
