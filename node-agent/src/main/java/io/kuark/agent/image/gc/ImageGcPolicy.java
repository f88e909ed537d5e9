package io.kuark.agent.image.gc;

import java.time.Duration;

/**
 * When image garbage collection runs and how far it goes, with kubelet's flags and defaults.
 *
 * @param highThresholdPercent image file system usage (percent) at or above which GC runs; 100
 *     disables GC ({@code --image-gc-high-threshold}, default 85)
 * @param lowThresholdPercent usage GC frees down to ({@code --image-gc-low-threshold}, default 80)
 * @param minimumAge an image is never deleted sooner than this after the agent first saw it ({@code
 *     --image-minimum-gc-age}, default 2m)
 */
public record ImageGcPolicy(
    int highThresholdPercent, int lowThresholdPercent, Duration minimumAge) {

  public static final ImageGcPolicy DEFAULTS = new ImageGcPolicy(85, 80, Duration.ofMinutes(2));

  /**
   * @throws IllegalArgumentException with kubelet's wording when the values do not fit together
   */
  public ImageGcPolicy {
    if (highThresholdPercent < 0 || highThresholdPercent > 100) {
      throw new IllegalArgumentException(
          "--image-gc-high-threshold must be between 0 and 100, inclusive: "
              + highThresholdPercent);
    }
    if (lowThresholdPercent < 0 || lowThresholdPercent > 100) {
      throw new IllegalArgumentException(
          "--image-gc-low-threshold must be between 0 and 100, inclusive: " + lowThresholdPercent);
    }
    if (lowThresholdPercent >= highThresholdPercent) {
      throw new IllegalArgumentException(
          "--image-gc-low-threshold ("
              + lowThresholdPercent
              + ") must be less than --image-gc-high-threshold ("
              + highThresholdPercent
              + ")");
    }
    if (minimumAge == null || minimumAge.isNegative()) {
      throw new IllegalArgumentException("--image-minimum-gc-age must not be negative");
    }
  }

  /** A high threshold of 100% turns threshold-driven GC off (as in kubelet). */
  public boolean enabled() {
    return highThresholdPercent < 100;
  }
}
