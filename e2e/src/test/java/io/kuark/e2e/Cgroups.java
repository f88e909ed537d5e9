package io.kuark.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removal of a test's cgroup parent in every mounted hierarchy (v1 controllers and v2). */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private Cgroups() {}

  /**
   * Removes {@code parent} and everything below it in every hierarchy, deepest first (a cgroup can
   * only be removed when it has no processes and no children). Returns the cgroups below the parent
   * that existed (leftovers of pods); the empty parent itself is not reported.
   */
  static List<String> removeTree(String parent) {
    List<String> leftovers = new ArrayList<>();
    for (Path hierarchy : hierarchies()) {
      Path top = hierarchy.resolve(parent);
      if (!Files.isDirectory(top)) {
        continue;
      }
      List<Path> dirs;
      try (Stream<Path> walk = Files.walk(top)) {
        dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
      } catch (IOException e) {
        leftovers.add(top + " (unreadable: " + e.getMessage() + ")");
        continue;
      }
      for (Path dir : dirs) {
        if (!dir.equals(top)) {
          leftovers.add(dir.toString());
        }
        try {
          Files.delete(dir);
        } catch (IOException e) {
          leftovers.add(dir + " (not removable: " + e.getMessage() + ")");
        }
      }
    }
    return leftovers;
  }

  /** /sys/fs/cgroup itself when it is cgroup v2, else its v1 controller dirs and unified/. */
  private static List<Path> hierarchies() {
    if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
      return List.of(ROOT);
    }
    List<Path> found = new ArrayList<>();
    for (Path dir : KuarkProcesses.list(ROOT)) {
      if (Files.isDirectory(dir) && !Files.isSymbolicLink(dir)) {
        found.add(dir);
      }
    }
    return found;
  }
}
