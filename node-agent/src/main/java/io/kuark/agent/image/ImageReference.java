package io.kuark.agent.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalized image reference, as Kubernetes and the container runtimes understand it: {@code
 * busybox} is {@code docker.io/library/busybox:latest}, {@code team/app} is {@code
 * docker.io/team/app:latest}, and a first path component with a dot, a colon or {@code localhost}
 * names a registry.
 *
 * @param registry registry host (with port), e.g. {@code docker.io}
 * @param repository repository path inside the registry, e.g. {@code library/busybox}
 * @param tag tag, or null when the reference is by digest only
 * @param digest digest like {@code sha256:…}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");

  /** A reference that does not follow the image reference grammar. */
  public static final class InvalidReferenceException extends IllegalArgumentException {
    InvalidReferenceException(String reference, String why) {
      super("invalid image reference \"" + reference + "\": " + why);
    }
  }

  /**
   * Parses and normalizes {@code reference}.
   *
   * @throws InvalidReferenceException if the text is not a valid reference
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(reference), "empty");
    }
    String rest = reference.trim();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new InvalidReferenceException(reference, "bad digest");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidReferenceException(reference, "bad tag");
      }
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        repository = rest.substring(slash + 1);
      }
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (repository.isEmpty()) {
      throw new InvalidReferenceException(reference, "empty repository");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(
            reference,
            component.equals(component.toLowerCase(Locale.ROOT))
                ? "bad repository component \"" + component + "\""
                : "repository name must be lowercase");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /** Registry and repository, e.g. {@code docker.io/library/busybox}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The same reference pinned to a digest: the form Kubernetes reports as {@code imageID}. */
  public String withDigest(String manifestDigest) {
    return name() + "@" + manifestDigest;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(name());
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }
}
