package io.kuark.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Short host commands the e2e tests run (ip, the demo image script, install.sh). */
final class HostCommands {
  private static final List<String> ROUTE_TYPES =
      List.of("blackhole", "unreachable", "prohibit", "throw", "local", "broadcast");

  private HostCommands() {}

  /** Runs a command, fails with its output unless it exits 0, returns stdout+stderr. */
  static String exec(String... command) throws IOException, InterruptedException {
    return exec(Map.of(), command);
  }

  /** As {@link #exec(String...)} with extra environment variables. */
  static String exec(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish:\n" + out);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + out);
    }
    return out;
  }

  /**
   * Removes every host route inside {@code cidr} (e.g. an agent's safety blackhole routes for a
   * test's private range). Only for ranges a test owns.
   */
  static void removeRoutesWithin(String cidr) throws IOException, InterruptedException {
    for (String route : exec("ip", "route", "show", "root", cidr).lines().toList()) {
      String[] words = route.trim().split("\\s+");
      if (words.length == 0 || words[0].isEmpty()) {
        continue;
      }
      List<String> delete = new ArrayList<>(List.of("ip", "route", "del"));
      boolean typed = ROUTE_TYPES.contains(words[0]) && words.length > 1;
      delete.addAll(typed ? List.of(words[0], words[1]) : List.of(words[0]));
      new ProcessBuilder(delete).redirectErrorStream(true).start().waitFor();
    }
  }

  /**
   * Removes what a CNI bridge plugin leaves by design after the last DEL: a bridge holding an
   * address of the test's private pod range ({@code prefix}, e.g. "10.201."). A bridge that also
   * holds other addresses (a real installation's) only loses the test's address.
   */
  static void removeBridgesWithAddressesIn(String prefix) throws IOException, InterruptedException {
    List<String[]> ours = new ArrayList<>();
    List<String> otherLinks = new ArrayList<>();
    for (String line : exec("ip", "-o", "-4", "addr", "show").lines().toList()) {
      // "5: kuark0    inet 10.201.0.1/24 brd 10.201.0.255 scope global kuark0"
      String[] words = line.trim().split("\\s+");
      if (words.length < 4) {
        continue;
      }
      String link = words[1];
      if (words[3].startsWith(prefix)) {
        ours.add(new String[] {link, words[3]});
      } else {
        otherLinks.add(link);
      }
    }
    for (String[] linkAndAddress : ours) {
      String link = linkAndAddress[0];
      String details = exec("ip", "-d", "-o", "link", "show", "dev", link);
      List<String> command =
          details.contains(" bridge ") && !otherLinks.contains(link)
              ? List.of("ip", "link", "del", "dev", link)
              : List.of("ip", "addr", "del", linkAndAddress[1], "dev", link);
      new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    }
  }
}
