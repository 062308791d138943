/** Manifest and blob media types a pull understands (OCI image spec and Docker schema 2). */

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

/** The Accept header of a manifest resolve, in containerd's order (core/remotes/docker/resolver.go). */
export const RESOLVE_ACCEPT = [DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX, "*/*"].join(", ");

export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isManifestType(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}

/** The prefix containerd gives an ingest ref (core/remotes/handlers.go MakeRefKey). */
export function refKeyPrefix(mediaType: string): string {
  if (isManifestType(mediaType)) return "manifest";
  if (isIndexType(mediaType)) return "index";
  if (/\.layer\.|\.rootfs\./.test(mediaType)) return "layer";
  if (mediaType === OCI_CONFIG || mediaType === DOCKER_CONFIG) return "config";
  return "unknown";
}
