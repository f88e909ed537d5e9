package io.kuark.agent.volume;

import io.kuark.agent.fs.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a volume's files so that a container reading them sees either the whole old content or the
 * whole new one, with upstream kubelet's layout: the files live in a timestamped directory {@code
 * ..<time>.<random>}, the symlink {@code ..data} names the current one, and each top-level name is
 * a symlink {@code name -> ..data/name}. An update writes a new directory, swaps {@code ..data}
 * with one rename(2), fixes the top-level links and removes the old directory. Applications that
 * watch their ConfigMap volume (inotify on {@code ..data}) rely on exactly this layout.
 */
public final class AtomicWriter {

  /** The symlink to the current content. */
  public static final String DATA = "..data";

  private static final String DATA_TMP = "..data_tmp";
  private static final int DIR_MODE = 0755;

  /**
   * One file of a volume: its bytes, its permission bits (e.g. 0644) and the user owning it.
   *
   * @param owner the file's uid; null leaves it to the agent (root)
   */
  public record VolumeFile(byte[] content, int mode, Integer owner) {
    public VolumeFile(byte[] content, int mode) {
      this(content, mode, null);
    }
  }

  private AtomicWriter() {}

  /**
   * Makes {@code dir} hold exactly {@code payload} (relative path → file).
   *
   * @return false when it already did (nothing was written)
   * @throws PodVolumes.VolumeException when a path is absolute, empty or leaves the volume
   */
  public static boolean write(Path dir, Map<String, VolumeFile> payload) throws IOException {
    return write(dir, payload, null);
  }

  /**
   * Like {@link #write(Path, Map)}, the new content owned by the pod's fsGroup before it is swapped
   * in (kubelet owns the volume whenever its writer writes).
   *
   * @param ownership the pod's fsGroup ownership; null for none
   */
  public static boolean write(Path dir, Map<String, VolumeFile> payload, VolumeOwnership ownership)
      throws IOException {
    for (String relative : payload.keySet()) {
      check(relative);
    }
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    Path current =
        Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)).normalize() : null;
    String digest = PayloadDigests.digest(payload, ownership);
    if (current != null && holds(dir, current, payload, ownership, digest)) {
      return false;
    }
    Path next = Files.createTempDirectory(dir, ".." + System.currentTimeMillis() + ".");
    Files.setAttribute(next, "unix:mode", DIR_MODE);
    for (Map.Entry<String, VolumeFile> file : payload.entrySet()) {
      Path target = next.resolve(file.getKey()).normalize();
      createDirectories(next, target.getParent());
      Files.write(target, file.getValue().content());
      Files.setAttribute(target, "unix:mode", file.getValue().mode());
      if (file.getValue().owner() != null) {
        Files.setAttribute(target, "unix:uid", file.getValue().owner());
      }
    }
    if (ownership != null) {
      // Before the swap: a container never sees the new files without the group it reads them by.
      ownership.apply(next, false);
      ownership.own(dir);
    }
    Path tmp = dir.resolve(DATA_TMP);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, next.getFileName());
    if (ownership != null) {
      ownership.own(tmp);
    }
    // rename(2) replaces the old link in one step: readers never see a missing ..data.
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
    Set<String> tops = new LinkedHashSet<>();
    for (String relative : payload.keySet()) {
      tops.add(Path.of(relative).normalize().getName(0).toString());
    }
    for (String top : tops) {
      Path link = dir.resolve(top);
      if (!Files.isSymbolicLink(link)) {
        FileTrees.delete(link); // a file an older agent wrote in place
        Files.createSymbolicLink(link, Path.of(DATA, top));
      }
      if (ownership != null) {
        ownership.own(link);
      }
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith("..") && !tops.contains(name)) {
          FileTrees.delete(entry); // a key no longer in the source
        }
      }
    }
    if (current != null && !current.equals(next) && current.startsWith(dir)) {
      FileTrees.delete(current);
    }
    PayloadDigests.remember(dir, next.getFileName().toString(), digest);
    return true;
  }

  /** The file the volume's {@code relative} path currently names, or null. */
  public static byte[] read(Path dir, String relative) throws IOException {
    Path file = dir.resolve(relative).normalize();
    return file.startsWith(dir) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
  }

  private static void check(String relative) throws PodVolumes.VolumeException {
    if (relative == null || relative.isEmpty()) {
      throw new PodVolumes.VolumeException("volume path must not be empty");
    }
    Path path = Path.of(relative);
    if (path.isAbsolute()) {
      throw new PodVolumes.VolumeException("volume path must be relative: " + relative);
    }
    for (Path part : path) {
      if (part.toString().equals("..") || part.toString().startsWith("..")) {
        throw new PodVolumes.VolumeException("volume path must not contain '..': " + relative);
      }
    }
  }

  /**
   * Whether {@code current} holds exactly the payload: by the digest of what this agent last wrote
   * there, or (after an agent restart, or for content it does not remember) by reading the files
   * once, after which the digest answers.
   */
  private static boolean holds(
      Path dir,
      Path current,
      Map<String, VolumeFile> payload,
      VolumeOwnership ownership,
      String digest)
      throws IOException {
    Boolean known = PayloadDigests.matches(dir, current.getFileName().toString(), digest);
    if (known != null) {
      return known;
    }
    boolean same = holdsOnDisk(current, payload, ownership);
    if (same) {
      PayloadDigests.remember(dir, current.getFileName().toString(), digest);
    }
    return same;
  }

  /** Whether {@code current} holds exactly the payload's files, bytes, (owned) modes and owners. */
  private static boolean holdsOnDisk(
      Path current, Map<String, VolumeFile> payload, VolumeOwnership ownership) throws IOException {
    if (!Files.isDirectory(current)) {
      return false;
    }
    Map<String, Path> files = new HashMap<>();
    try (Stream<Path> walk = Files.walk(current)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(current.relativize(p).toString(), p);
      }
    }
    Map<String, VolumeFile> wanted = new HashMap<>();
    payload.forEach((k, v) -> wanted.put(Path.of(k).normalize().toString(), v));
    if (!files.keySet().equals(wanted.keySet())) {
      return false;
    }
    for (Map.Entry<String, VolumeFile> e : wanted.entrySet()) {
      Path p = files.get(e.getKey());
      int mode = e.getValue().mode() & 07777;
      if (ownership != null) {
        mode = ownership.fileMode(mode);
      }
      if (!Arrays.equals(Files.readAllBytes(p), e.getValue().content()) || mode(p) != mode) {
        return false;
      }
      Integer owner = e.getValue().owner();
      if (owner != null && (Integer) Files.getAttribute(p, "unix:uid") != owner.intValue()) {
        return false;
      }
    }
    return true;
  }

  private static void createDirectories(Path root, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    createDirectories(root, dir.getParent());
    Files.createDirectory(dir);
    Files.setAttribute(dir, "unix:mode", DIR_MODE);
  }

  /** The permission bits of {@code file} (e.g. 0644). */
  private static int mode(Path file) throws IOException {
    return (Integer) Files.getAttribute(file, "unix:mode") & 07777;
  }
}
