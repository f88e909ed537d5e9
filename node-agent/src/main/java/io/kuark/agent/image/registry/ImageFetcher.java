package io.kuark.agent.image.registry;

import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageReference;
import io.kuark.agent.image.ImageStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets the image a container needs according to its {@code imagePullPolicy}, pulling it when the
 * policy says so, with kubelet's back-off between failed pulls of one image (10 s doubling to 5
 * min): during back-off the container waits with {@code ImagePullBackOff} and the last registry
 * reason instead of hitting the registry again.
 */
public final class ImageFetcher {

  /**
   * The registry name of images that only ever come from the node's air-gap directory (the bundled
   * demo image is {@code kuark.local/demo:latest}): never contacted, whatever the pull policy.
   */
  public static final String LOCAL_REGISTRY = "kuark.local";

  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** Why the image is not available: a kubelet waiting reason plus message. */
  public static final class FetchException extends Exception {
    private final String reason;

    FetchException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private record Failure(int count, Instant retryAt, String message) {}

  private final ImageStore store;
  private final ImagePuller puller;
  private final Clock clock;
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  public ImageFetcher(ImageStore store, ImagePuller puller, Clock clock) {
    this.store = store;
    this.puller = puller;
    this.clock = clock;
  }

  /**
   * The image for {@code image} under {@code policy} ({@code Always}, {@code IfNotPresent}, {@code
   * Never}, or null for the Kubernetes default: Always for {@code :latest} or no tag).
   *
   * @param dockerConfigs {@code .dockerconfigjson} documents of the pod's pull secrets
   */
  public ImageRecord fetch(String image, String policy, List<String> dockerConfigs)
      throws FetchException {
    return fetch(image, policy, dockerConfigs, PullListener.NONE);
  }

  /** Told when a fetch goes to the registry (kubelet's "Pulling" and "Pulled" events). */
  public interface PullListener {
    PullListener NONE =
        new PullListener() {
          @Override
          public void pulling() {}

          @Override
          public void pulled(Duration took) {}
        };

    void pulling();

    void pulled(Duration took);
  }

  /** As {@link #fetch(String, String, List)}, telling {@code listener} about a registry pull. */
  public ImageRecord fetch(
      String image, String policy, List<String> dockerConfigs, PullListener listener)
      throws FetchException {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      throw new FetchException("InvalidImageName", e.getMessage());
    }
    String effective =
        policy == null || policy.isEmpty() ? defaultPolicy(image, reference) : policy;
    Optional<ImageRecord> present = store.find(image);
    if (reference.registry().equals(LOCAL_REGISTRY)) {
      // Not a registry: these images exist only through the node's image directory.
      return present.orElseThrow(
          () ->
              new FetchException(
                  "ErrImagePull",
                  "image "
                      + image
                      + " is not present on the node ("
                      + LOCAL_REGISTRY
                      + " images are imported from the agent's images directory, never pulled)"));
    }
    switch (effective) {
      case "Never" -> {
        return present.orElseThrow(
            () ->
                new FetchException(
                    "ErrImageNeverPull",
                    "Container image \"" + image + "\" is not present with pull policy of Never"));
      }
      case "IfNotPresent" -> {
        if (present.isPresent()) {
          return present.get();
        }
      }
      case "Always" -> {}
      default ->
          throw new FetchException("ErrImagePull", "unknown imagePullPolicy \"" + effective + "\"");
    }
    String key = reference.toString();
    Failure failure = failures.get(key);
    if (failure != null && clock.instant().isBefore(failure.retryAt())) {
      throw new FetchException(
          "ImagePullBackOff", "Back-off pulling image \"" + image + "\": " + failure.message());
    }
    try {
      listener.pulling();
      long start = System.nanoTime();
      ImageRecord pulled = puller.pull(reference, credentials(reference, dockerConfigs));
      failures.remove(key);
      listener.pulled(Duration.ofNanos(System.nanoTime() - start));
      return pulled;
    } catch (IOException e) {
      int count = failure == null ? 1 : failure.count() + 1;
      Duration delay = INITIAL_BACKOFF.multipliedBy(1L << Math.min(count - 1, 5));
      if (delay.compareTo(MAX_BACKOFF) > 0) {
        delay = MAX_BACKOFF;
      }
      String message = "failed to pull image \"" + image + "\": " + e.getMessage();
      failures.put(key, new Failure(count, clock.instant().plus(delay), e.getMessage()));
      throw new FetchException("ErrImagePull", message);
    }
  }

  static String defaultPolicy(String image, ImageReference reference) {
    if (reference.digest() != null) {
      return "IfNotPresent";
    }
    return "latest".equals(reference.tag()) ? "Always" : "IfNotPresent";
  }

  private static Credentials credentials(ImageReference reference, List<String> dockerConfigs) {
    for (String config : dockerConfigs) {
      try {
        Optional<Credentials> found = Credentials.fromDockerConfig(config, reference.registry());
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException | IllegalArgumentException e) {
        // a malformed pull secret is skipped, as kubelet does
      }
    }
    return null;
  }
}
