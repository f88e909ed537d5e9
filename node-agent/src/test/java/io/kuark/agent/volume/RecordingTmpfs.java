package io.kuark.agent.volume;

import io.kuark.agent.linux.HostKernel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link HostKernel} for tests of volume code that runs without mounting: it records the tmpfs
 * mounts asked for (directory → options) and takes them back on unmount; nothing else is supported.
 */
public final class RecordingTmpfs implements HostKernel {

  /** Directory → the options it was mounted with ("" for none), in mount order. */
  public final Map<Path, String> mounted = new LinkedHashMap<>();

  @Override
  public void mountTmpfs(Path target, String options) {
    if (mounted.containsKey(target)) {
      throw new IllegalStateException("tmpfs mounted twice on " + target);
    }
    mounted.put(target, options == null ? "" : options);
  }

  @Override
  public void unmount(Path target) {
    mounted.remove(target);
  }

  /** How often the mount table was asked about a directory. */
  public int mountChecks;

  @Override
  public boolean isMounted(Path target) {
    mountChecks++;
    return mounted.containsKey(target);
  }

  @Override
  public void createNetns(Path path) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deleteNetns(Path path) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void mountOverlay(List<Path> lowerDirs, Path upperDir, Path workDir, Path target) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void ensureBlackholeRoute(String cidr) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void ensureLocalRoute(String cidr, String link) {
    throw new UnsupportedOperationException();
  }
}
