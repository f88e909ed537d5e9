package io.kuark.linux;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an nftables script as one transaction ({@code nft -f -}, what upstream's knftables does),
 * in the caller's network namespace or in a pinned one (through {@code nsenter}, so the JVM never
 * switches namespaces for this). Either the whole script applies or nothing does. Shared by the CNI
 * plugin (masquerade, MAC spoof check) and the agent's service proxy.
 */
public final class NftRunner {
  private final Path netns;

  /**
   * @param netns pinned network namespace to run in, or null for the caller's
   */
  public NftRunner(Path netns) {
    this.netns = netns;
  }

  /** Applies {@code script}; throws with nft's message when the kernel refused the transaction. */
  public void apply(String script) throws IOException {
    run(script, "-f", "-");
  }

  /** Returns {@code nft list table ip <table>}, or null when the table does not exist. */
  public String list(String table) throws IOException {
    try {
      return run("", "list", "table", "ip", table);
    } catch (IOException e) {
      return null;
    }
  }

  private String run(String stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.add("nsenter");
      cmd.add("--net=" + netns);
    }
    cmd.add("nft");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("nft " + String.join(" ", args) + " failed: " + abbreviate(out));
      }
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running nft", e);
    }
    return out;
  }

  private static String abbreviate(String out) {
    String s = out.trim();
    return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
  }
}
