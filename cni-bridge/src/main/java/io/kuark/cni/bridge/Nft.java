package io.kuark.cni.bridge;

import io.kuark.cni.CniException;
import io.kuark.linux.NftRunner;
import java.io.IOException;

/** Applies an nftables script atomically ({@code nft -f -}) with CNI errors for failures. */
final class Nft {
  private Nft() {}

  /**
   * Runs {@code script} through {@code nft -f -}, inside {@code host}'s pinned netns when it has
   * one. A failure throws a {@link CniException} whose message starts with "failed to {@code
   * purpose}", unless {@code tolerateFailure} (used by idempotent clean-up).
   */
  static void apply(HostNetwork host, String script, boolean tolerateFailure, String purpose) {
    try {
      new NftRunner(host.netns()).apply(script);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted running nft", e);
      }
      if (!tolerateFailure) {
        throw new CniException(
            CniException.PLUGIN_FAILURE, "failed to " + purpose + ": " + e.getMessage(), e);
      }
    }
  }
}
