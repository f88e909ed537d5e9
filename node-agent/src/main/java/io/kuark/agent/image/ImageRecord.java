package io.kuark.agent.image;

import java.util.List;

/**
 * An image known to the local store.
 *
 * @param references normalized references naming this image (tags), may be empty
 * @param repository normalized repository name used to build the {@code imageID}
 * @param manifestDigest digest of the image manifest
 * @param configDigest digest of the image configuration (the image id)
 * @param diffIds uncompressed layer digests, bottom layer first
 */
public record ImageRecord(
    List<String> references,
    String repository,
    String manifestDigest,
    String configDigest,
    List<String> diffIds) {

  /** The {@code imageID} Kubernetes reports: {@code repository@manifestDigest}. */
  public String imageId() {
    return repository + "@" + manifestDigest;
  }
}
