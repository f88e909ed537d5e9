package io.kuark.agent.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolves the process identity: the securityContext's runAsUser/runAsGroup win, otherwise the
 * image USER ({@code uid}, {@code uid:gid}, {@code name} or {@code name:group}) looked up in the
 * container's {@code /etc/passwd} and {@code /etc/group}.
 */
public final class UserSpec {

  /** A USER that names an account the image does not have. */
  public static final class UnknownUserException extends IOException {
    UnknownUserException(String message) {
      super(message);
    }
  }

  public record Ids(int uid, int gid) {}

  private UserSpec() {}

  public static Ids resolve(String imageUser, Long runAsUser, Long runAsGroup, Path rootfs)
      throws IOException {
    int uid = 0;
    Integer gid = null;
    if (imageUser != null && !imageUser.isEmpty()) {
      String[] parts = imageUser.split(":", 2);
      uid =
          isNumber(parts[0])
              ? Integer.parseInt(parts[0])
              : lookup(rootfs.resolve("etc/passwd"), parts[0], 2);
      if (parts.length == 2) {
        gid =
            isNumber(parts[1])
                ? Integer.parseInt(parts[1])
                : lookup(rootfs.resolve("etc/group"), parts[1], 2);
      } else if (!isNumber(parts[0])) {
        gid = lookup(rootfs.resolve("etc/passwd"), parts[0], 3);
      }
    }
    if (runAsUser != null) {
      uid = runAsUser.intValue();
    }
    if (runAsGroup != null) {
      gid = runAsGroup.intValue();
    }
    if (gid == null) {
      gid = primaryGroup(rootfs.resolve("etc/passwd"), uid);
    }
    return new Ids(uid, gid);
  }

  private static boolean isNumber(String text) {
    return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
  }

  /** Field {@code field} of the line whose first field is {@code name}. */
  private static int lookup(Path file, String name, int field) throws IOException {
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] fields = line.split(":");
        if (fields.length > field && fields[0].equals(name)) {
          return Integer.parseInt(fields[field]);
        }
      }
    }
    throw new UnknownUserException(
        "unable to find user or group " + name + " in " + file.getFileName());
  }

  private static int primaryGroup(Path passwd, int uid) throws IOException {
    if (Files.isRegularFile(passwd)) {
      List<String> lines = Files.readAllLines(passwd);
      for (String line : lines) {
        String[] fields = line.split(":");
        if (fields.length > 3 && fields[2].equals(Integer.toString(uid))) {
          return Integer.parseInt(fields[3]);
        }
      }
    }
    return 0; // as containerd: a uid without a passwd entry runs with group 0
  }
}
