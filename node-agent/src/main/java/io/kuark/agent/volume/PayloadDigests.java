package io.kuark.agent.volume;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link AtomicWriter} last wrote into each volume: the name of the content directory and a
 * SHA-256 of the payload (paths, bytes, modes, owners, fsGroup). The periodic refresh compares
 * digests instead of reading every file of every volume each minute. Bounded: a forgotten volume
 * costs one comparison from disk.
 */
final class PayloadDigests {

  private static final int REMEMBERED = 4096;

  private record Written(String contentDir, String digest) {}

  private static final Map<Path, Written> WRITTEN =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Written> eldest) {
          return size() > REMEMBERED;
        }
      };

  private PayloadDigests() {}

  /**
   * Whether the volume at {@code dir}, now showing {@code contentDir}, holds the payload of {@code
   * digest}; null when that content directory is not the one remembered (compare from disk).
   */
  static Boolean matches(Path dir, String contentDir, String digest) {
    Written written;
    synchronized (WRITTEN) {
      written = WRITTEN.get(dir);
    }
    if (written == null || !written.contentDir().equals(contentDir)) {
      return null;
    }
    return written.digest().equals(digest);
  }

  static void remember(Path dir, String contentDir, String digest) {
    synchronized (WRITTEN) {
      WRITTEN.put(dir, new Written(contentDir, digest));
    }
  }

  static String digest(Map<String, AtomicWriter.VolumeFile> payload, VolumeOwnership ownership) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Map<String, AtomicWriter.VolumeFile> sorted = new TreeMap<>();
    payload.forEach((k, v) -> sorted.put(Path.of(k).normalize().toString(), v));
    ByteBuffer numbers = ByteBuffer.allocate(16);
    for (Map.Entry<String, AtomicWriter.VolumeFile> file : sorted.entrySet()) {
      byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
      numbers.clear();
      // Lengths first: no two different payloads concatenate to the same bytes.
      numbers.putInt(name.length).putInt(file.getValue().content().length);
      Integer owner = file.getValue().owner();
      numbers.putInt(file.getValue().mode() & 07777).putInt(owner == null ? -1 : owner);
      sha.update(numbers.array());
      sha.update(name);
      sha.update(file.getValue().content());
    }
    String owner = ownership == null ? "-" : ownership.gid() + "/" + ownership.readOnly();
    sha.update(owner.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }
}
