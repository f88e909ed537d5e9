package io.kuark.agent.linux;

import io.kuark.linux.Linux;
import io.kuark.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** {@link HostKernel} over the linux-ffi module (JNR-FFI system calls, no helper processes). */
public final class LinuxFfiHostKernel implements HostKernel {

  private final Linux linux;
  private final HostRoutes routes;

  public LinuxFfiHostKernel(Linux linux, HostRoutes routes) {
    this.linux = linux;
    this.routes = routes;
  }

  @Override
  public void createNetns(Path path) throws IOException {
    try {
      if (linux.namespaces().isNetns(path)) {
        return;
      }
      linux.namespaces().createNetns(path);
    } catch (LinuxException e) {
      throw new IOException("cannot create network namespace " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteNetns(Path path) throws IOException {
    try {
      linux.namespaces().deleteNetns(path);
    } catch (LinuxException e) {
      throw new IOException("cannot delete network namespace " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void mountOverlay(List<Path> lowerDirs, Path upperDir, Path workDir, Path target)
      throws IOException {
    Files.createDirectories(upperDir);
    Files.createDirectories(workDir);
    Files.createDirectories(target);
    String lower = lowerDirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    String options = "lowerdir=" + lower + ",upperdir=" + upperDir + ",workdir=" + workDir;
    try {
      linux.mounts().mount("overlay", target, "overlay", 0L, options);
    } catch (LinuxException e) {
      throw new IOException("cannot mount overlay on " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void mountTmpfs(Path target, String options) throws IOException {
    try {
      // No flags, as kubelet's emptyDir: the container's bind mount of it sets its own.
      linux.mounts().mount("tmpfs", target, "tmpfs", 0L, options);
    } catch (LinuxException e) {
      throw new IOException("cannot mount tmpfs on " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void unmount(Path target) throws IOException {
    try {
      linux.mounts().unmount(target, true);
    } catch (LinuxException e) {
      throw new IOException("cannot unmount " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isMounted(Path target) {
    return linux.mounts().isMountPoint(target);
  }

  @Override
  public void ensureBlackholeRoute(String cidr) throws IOException {
    routes.ensureBlackhole(cidr);
  }

  @Override
  public void ensureLocalRoute(String cidr, String link) throws IOException {
    routes.ensureLocalRoute(cidr, link);
  }
}
