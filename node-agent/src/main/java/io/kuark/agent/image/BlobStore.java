package io.kuark.agent.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * A content-addressed store of blobs ({@code root/sha256/<hex>}). A blob only becomes visible under
 * its digest after its bytes were verified against that digest, so readers never see partial or
 * corrupt content.
 */
public final class BlobStore {

  /** The bytes did not hash to the digest they were announced with. */
  public static final class DigestMismatchException extends IOException {
    DigestMismatchException(String expected, String actual) {
      super("digest mismatch: expected " + expected + ", got " + actual);
    }
  }

  private final Path root;

  public BlobStore(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("sha256"));
  }

  /** Path of a stored blob (it may not exist). */
  public Path path(String digest) {
    return root.resolve("sha256").resolve(Digests.hex(digest));
  }

  public boolean contains(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /**
   * Stores the stream's bytes under {@code expectedDigest} after verifying them. Idempotent: an
   * already stored blob is kept and the stream is drained only for verification.
   *
   * @return the blob's path
   * @throws DigestMismatchException if the content does not match
   */
  public Path put(InputStream in, String expectedDigest) throws IOException {
    Path target = path(expectedDigest);
    Path temp = Files.createTempFile(root, "ingest-", ".tmp");
    try {
      MessageDigest digest = Digests.sha256();
      try (InputStream hashing = new DigestInputStream(in, digest);
          OutputStream out = Files.newOutputStream(temp)) {
        hashing.transferTo(out);
      }
      String actual = Digests.format(digest);
      if (!actual.equals(expectedDigest)) {
        throw new DigestMismatchException(expectedDigest, actual);
      }
      if (Files.exists(target)) {
        return target;
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Where a download of {@code digest} in progress keeps what it has so far (kept across failures
   * and agent restarts, so the download continues where it broke off).
   */
  public Path partial(String digest) {
    return root.resolve("partial-" + digest.replace(':', '-'));
  }

  /**
   * Verifies a completed partial download against its digest and stores it. A mismatch removes the
   * partial file (the next attempt starts over) and throws.
   */
  public Path commitPartial(String digest) throws IOException {
    Path partial = partial(digest);
    MessageDigest hash = Digests.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(partial), hash)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    String actual = Digests.format(hash);
    if (!actual.equals(digest)) {
      Files.deleteIfExists(partial);
      throw new DigestMismatchException(digest, actual);
    }
    Path target = path(digest);
    if (Files.exists(target)) {
      Files.deleteIfExists(partial);
      return target;
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** Stores bytes whose digest is computed here; returns that digest. */
  public String put(byte[] bytes) throws IOException {
    String digest = Digests.of(bytes);
    put(new java.io.ByteArrayInputStream(bytes), digest);
    return digest;
  }

  /** Stores a file whose digest is computed here; returns that digest. */
  public String putFile(Path file) throws IOException {
    MessageDigest digest = Digests.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    String computed = Digests.format(digest);
    try (InputStream in = Files.newInputStream(file)) {
      put(in, computed);
    }
    return computed;
  }

  public byte[] read(String digest) throws IOException {
    return Files.readAllBytes(path(digest));
  }
}
