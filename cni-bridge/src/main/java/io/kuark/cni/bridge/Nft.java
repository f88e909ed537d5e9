package io.kuark.cni.bridge;

import io.kuark.cni.CniException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Applies an nftables script atomically ({@code nft -f -}) in the host network namespace. */
final class Nft {
  private Nft() {}

  /**
   * Runs {@code script} through {@code nft -f -}, inside {@code host}'s pinned netns when it has
   * one. A failure throws a {@link CniException} whose message starts with "failed to {@code
   * purpose}", unless {@code tolerateFailure} (used by idempotent clean-up).
   */
  static void apply(HostNetwork host, String script, boolean tolerateFailure, String purpose) {
    List<String> cmd = new ArrayList<>();
    if (host.netns() != null) {
      cmd.add("nsenter");
      cmd.add("--net=" + host.netns());
    }
    cmd.add("nft");
    cmd.add("-f");
    cmd.add("-");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(script.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0 && !tolerateFailure) {
        throw new CniException(
            CniException.PLUGIN_FAILURE, "failed to " + purpose + ": " + out.trim());
      }
    } catch (IOException e) {
      if (!tolerateFailure) {
        throw new CniException(
            CniException.PLUGIN_FAILURE, "failed to run nft: " + e.getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted running nft", e);
    }
  }
}
