package io.kuark.server.auth.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes files atomically, optionally readable by the owner only (0600). */
public final class SecureFiles {

  private SecureFiles() {}

  /** Writes {@code content} to {@code file} with mode 0600, creating parent directories. */
  public static void writePrivate(Path file, String content) {
    write(file, content, true);
  }

  /** Writes {@code content} to {@code file} with mode 0644, creating parent directories. */
  public static void writePublic(Path file, String content) {
    write(file, content, false);
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content, boolean ownerOnly) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
      try {
        // The temp file is created 0600; it is renamed into place only after writing, so a
        // reader never sees a half-written key or a key with wider permissions.
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(
            tmp, PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
