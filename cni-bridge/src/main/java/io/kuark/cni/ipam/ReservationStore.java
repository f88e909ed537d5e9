package io.kuark.cni.ipam;

import io.kuark.cni.config.IpNet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * host-local's on-disk state, in the reference layout so either plugin can take over the other's
 * reservations: {@code <dataDir>/<network>/<ip>} holds "containerID\r\nifname", {@code
 * last_reserved_ip.<rangeSet>} the last address handed out, and {@code lock} is the lock file. All
 * access happens inside {@link #locked}: a JVM lock (FileChannel locks are per process) plus an
 * exclusive lock on the lock file (other processes, e.g. the reference plugin).
 */
public final class ReservationStore {
  private static final String LINE_BREAK = "\r\n";
  private static final String LAST_RESERVED = "last_reserved_ip.";
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path dir;

  public ReservationStore(Path dataDir, String network) {
    this.dir = dataDir.resolve(network).toAbsolutePath().normalize();
  }

  public Path directory() {
    return dir;
  }

  /** Work done while holding both locks. */
  public interface Work<T> {
    T run() throws IOException;
  }

  public <T> T locked(Work<T> work) {
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
    jvmLock.lock();
    try {
      if (!Files.isDirectory(dir)) {
        // Not unconditionally: on an existing directory it costs a thrown exception every call.
        Files.createDirectories(dir);
      }
      try (FileChannel ch =
              FileChannel.open(
                  dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return work.run();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      jvmLock.unlock();
    }
  }

  /**
   * Reserves {@code ip}; false if it is already taken. Records it as the set's last reserved IP.
   */
  public boolean reserve(InetAddress ip, String containerId, String ifName, int rangeSet)
      throws IOException {
    Path file = dir.resolve(IpNet.format(ip));
    try {
      Files.writeString(
          file,
          containerId.trim() + LINE_BREAK + ifName,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    Files.writeString(dir.resolve(LAST_RESERVED + rangeSet), IpNet.format(ip));
    return true;
  }

  public boolean isReserved(InetAddress ip) {
    return Files.exists(dir.resolve(IpNet.format(ip)));
  }

  /** The last address reserved from a range set, or null. */
  public InetAddress lastReserved(int rangeSet) throws IOException {
    try {
      return IpNet.parseIp(Files.readString(dir.resolve(LAST_RESERVED + rangeSet)).trim());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IllegalArgumentException e) {
      return null; // a corrupt marker only costs the round-robin position
    }
  }

  /** A reservation on disk. */
  public record Reservation(InetAddress ip, String containerId, String ifName) {}

  public List<Reservation> all() throws IOException {
    List<Reservation> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.equals("lock") || name.startsWith(LAST_RESERVED)) {
          continue;
        }
        InetAddress ip;
        try {
          ip = IpNet.parseIp(name);
        } catch (IllegalArgumentException e) {
          continue;
        }
        String[] owner = Files.readString(f).split(LINE_BREAK, 2);
        out.add(new Reservation(ip, owner[0].trim(), owner.length > 1 ? owner[1].trim() : ""));
      }
    }
    return out;
  }

  /** Reservations held by a container's interface (legacy files without ifname match by id). */
  public List<Reservation> byOwner(String containerId, String ifName) throws IOException {
    List<Reservation> out = new ArrayList<>();
    for (Reservation r : all()) {
      if (r.containerId().equals(containerId.trim())
          && (r.ifName().isEmpty() || r.ifName().equals(ifName))) {
        out.add(r);
      }
    }
    return out;
  }

  public void release(InetAddress ip) throws IOException {
    Files.deleteIfExists(dir.resolve(IpNet.format(ip)));
  }
}
