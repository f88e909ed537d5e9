package io.kuark.agent.image;

import io.kuark.agent.fs.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks one image layer (a tar, optionally gzip-compressed) into its own directory in the form
 * overlayfs stacks: OCI whiteout files {@code .wh.<name>} become overlay whiteouts and {@code
 * .wh..wh..opq} marks its directory opaque. Ownership, modes and times are kept. Entries that would
 * escape the directory (absolute paths, {@code ..}, writes through symlinks) are rejected.
 */
public final class LayerUnpacker {

  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  /** A layer whose content is malformed or unsafe. */
  public static final class BadLayerException extends IOException {
    BadLayerException(String message) {
      super(message);
    }
  }

  private final OverlayMarks marks;

  public LayerUnpacker(OverlayMarks marks) {
    this.marks = marks;
  }

  /**
   * Unpacks {@code layer} into the empty or missing directory {@code target}.
   *
   * @return the layer's diffID: the digest of the uncompressed tar stream
   */
  public String unpack(InputStream layer, Path target) throws IOException {
    Files.createDirectories(target);
    BufferedInputStream buffered = new BufferedInputStream(layer, 65536);
    InputStream plain = isGzip(buffered) ? new GzipCompressorInputStream(buffered, true) : buffered;
    MessageDigest diffId = Digests.sha256();
    HashingInputStream hashing = new HashingInputStream(plain, diffId);
    List<DirAttributes> dirs = new ArrayList<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(hashing);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      extract(tar, entry, target, dirs);
    }
    // The tar end-of-archive padding belongs to the diffID too.
    hashing.transferTo(OutputStream.nullOutputStream());
    // Directory modes and times last: a read-only directory must not stop its children being
    // written.
    dirs.sort(Comparator.comparingInt((DirAttributes d) -> d.path.getNameCount()).reversed());
    for (DirAttributes dir : dirs) {
      applyOwnerAndMode(dir.path, dir.uid, dir.gid, dir.mode, false);
      Files.setLastModifiedTime(dir.path, dir.mtime);
    }
    return Digests.format(diffId);
  }

  private record DirAttributes(Path path, int uid, int gid, int mode, FileTime mtime) {}

  private void extract(
      TarArchiveInputStream tar, TarArchiveEntry entry, Path root, List<DirAttributes> dirs)
      throws IOException {
    Path relative = safeRelative(entry.getName());
    if (relative == null) {
      return; // the root directory itself
    }
    Path path = root.resolve(relative);
    Path parent = path.getParent();
    ensureParents(root, parent);
    String fileName = relative.getFileName().toString();
    if (fileName.equals(OPAQUE_MARKER)) {
      marks.opaque(parent);
      return;
    }
    if (fileName.startsWith(WHITEOUT_PREFIX)) {
      Path hidden = parent.resolve(fileName.substring(WHITEOUT_PREFIX.length()));
      FileTrees.delete(hidden);
      marks.whiteout(hidden);
      return;
    }
    int uid = (int) entry.getLongUserId();
    int gid = (int) entry.getLongGroupId();
    int mode = entry.getMode() & 07777;
    FileTime mtime = FileTime.from(entry.getLastModifiedTime().toInstant());
    if (entry.isDirectory()) {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.delete(path);
      }
      Files.createDirectories(path);
      dirs.add(new DirAttributes(path, uid, gid, mode, mtime));
      return;
    }
    FileTrees.delete(path);
    if (entry.isSymbolicLink()) {
      Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
      applyOwnerAndMode(path, uid, gid, mode, true);
      return;
    }
    if (entry.isLink()) {
      Path linkTarget = safeRelative(entry.getLinkName());
      if (linkTarget == null) {
        throw new BadLayerException("hard link to the layer root: " + entry.getName());
      }
      Path source = root.resolve(linkTarget);
      ensureParents(root, source.getParent());
      Files.createLink(path, source);
      return;
    }
    if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      marks.device(path, entry.isBlockDevice(), entry.getDevMajor(), entry.getDevMinor(), mode);
      applyOwnerAndMode(path, uid, gid, mode, false);
      return;
    }
    if (entry.isFIFO()) {
      // Named pipes are vanishingly rare in images; an empty file keeps the path visible.
      Files.createFile(path);
    } else {
      try (OutputStream out = Files.newOutputStream(path)) {
        tar.transferTo(out);
      }
    }
    applyOwnerAndMode(path, uid, gid, mode, false);
    Files.setLastModifiedTime(path, mtime);
  }

  /** Normalizes a tar entry name to a path inside the layer, or null for the root itself. */
  static Path safeRelative(String name) throws BadLayerException {
    String cleaned = name;
    while (cleaned.startsWith("/")) {
      cleaned = cleaned.substring(1);
    }
    Path relative = Path.of(cleaned).normalize();
    String text = relative.toString();
    if (text.isEmpty() || text.equals(".")) {
      return null;
    }
    if (text.equals("..") || text.startsWith("../")) {
      throw new BadLayerException("entry escapes the layer: " + name);
    }
    return relative;
  }

  /** Creates missing parents, refusing to walk through a symlink (it could point outside). */
  private static void ensureParents(Path root, Path dir) throws IOException {
    Path current = root;
    for (Path component : root.relativize(dir)) {
      if (component.toString().isEmpty()) {
        continue;
      }
      current = current.resolve(component);
      if (Files.isSymbolicLink(current)) {
        throw new BadLayerException(
            "entry path goes through a symlink: " + root.relativize(current));
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(current);
      } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        throw new BadLayerException("entry path goes through a file: " + root.relativize(current));
      }
    }
  }

  private static void applyOwnerAndMode(Path path, int uid, int gid, int mode, boolean symlink)
      throws IOException {
    // chown first: it clears set-id bits that chmod then sets again.
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    if (!symlink) {
      Files.setAttribute(path, "unix:mode", mode);
    }
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b;
  }
}
