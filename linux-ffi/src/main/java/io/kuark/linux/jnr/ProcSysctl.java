package io.kuark.linux.jnr;

import io.kuark.linux.Namespaces;
import io.kuark.linux.Sysctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link Sysctl} through /proc/sys files. Network keys resolve against the network namespace of the
 * thread that opens the file, which is why the netns variants go through {@link
 * Namespaces#runInNetns}.
 */
public final class ProcSysctl implements Sysctl {
  private static final Path ROOT = Path.of("/proc/sys");
  private final Namespaces namespaces;

  public ProcSysctl(Namespaces namespaces) {
    this.namespaces = namespaces;
  }

  @Override
  public void set(String key, String value) {
    try {
      Files.writeString(file(key), value);
    } catch (IOException e) {
      throw new UncheckedIOException("sysctl " + key + "=" + value, e);
    }
  }

  @Override
  public String get(String key) {
    try {
      return Files.readString(file(key)).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("sysctl " + key, e);
    }
  }

  @Override
  public void setInNetns(Path netns, String key, String value) {
    call(
        netns,
        () -> {
          set(key, value);
          return null;
        });
  }

  @Override
  public String getInNetns(Path netns, String key) {
    return call(netns, () -> get(key));
  }

  private <T> T call(Path netns, java.util.concurrent.Callable<T> action) {
    try {
      return namespaces.runInNetns(netns, action);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String key) {
    String relative = key.indexOf('/') >= 0 ? key : key.replace('.', '/');
    Path file = ROOT.resolve(relative).normalize();
    if (!file.startsWith(ROOT)) {
      throw new IllegalArgumentException("not a sysctl key: " + key);
    }
    return file;
  }
}
