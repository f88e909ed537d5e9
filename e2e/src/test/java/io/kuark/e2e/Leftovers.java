package io.kuark.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a test run may have left on the machine under its private directory: mount points and
 * processes (rooted there, or naming it on their command line). Used after all programs stopped.
 */
final class Leftovers {
  private Leftovers() {}

  /** Human-readable descriptions of every leftover under {@code dir}; empty when clean. */
  static List<String> under(Path dir) {
    List<String> found = new ArrayList<>();
    for (String mount : mountsUnder(dir)) {
      found.add("mount " + mount);
    }
    for (ProcessHandle process : processesUnder(dir)) {
      found.add(
          "process "
              + process.pid()
              + " "
              + process.info().commandLine().orElse(process.info().command().orElse("?")));
    }
    return found;
  }

  /** Kills leftover processes and lazily unmounts leftover mounts, deepest first. */
  static void clean(Path dir) throws InterruptedException {
    for (ProcessHandle process : processesUnder(dir)) {
      process.destroyForcibly();
      process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> process).join();
    }
    List<String> mounts = mountsUnder(dir);
    mounts.sort(Comparator.comparingInt(String::length).reversed());
    for (String mount : mounts) {
      try {
        new ProcessBuilder("umount", "-l", mount).inheritIO().start().waitFor();
      } catch (IOException e) {
        // Reported by the caller, which checks again afterwards.
      }
    }
  }

  /** Mount points at or below {@code dir} in this mount namespace. */
  static List<String> mountsUnder(Path dir) {
    List<String> mounts = new ArrayList<>();
    String prefix = dir.toString();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        String mountPoint = unescape(fields[4]);
        if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
          mounts.add(mountPoint);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/mountinfo", e);
    }
    return mounts;
  }

  /** Processes whose root directory is at or below {@code dir}: containers started there. */
  static List<String> processesRootedUnder(Path dir) {
    String prefix = dir.toString();
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              String root = rootOf(p.pid());
              if (root.equals(prefix) || root.startsWith(prefix + "/")) {
                found.add(p.pid() + " " + p.info().commandLine().orElse("?"));
              }
            });
    return found;
  }

  private static List<ProcessHandle> processesUnder(Path dir) {
    String prefix = dir.toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .forEach(
            p -> {
              if (rootOf(p.pid()).startsWith(prefix) || cmdlineOf(p.pid()).contains(prefix)) {
                found.add(p);
              }
            });
    return found;
  }

  private static String rootOf(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "root")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static String cmdlineOf(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
