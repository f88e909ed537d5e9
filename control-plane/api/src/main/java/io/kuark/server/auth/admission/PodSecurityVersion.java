package io.kuark.server.auth.admission;

import io.kuark.server.api.system.VersionInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pod Security Standards version label ({@code latest} or {@code v1.<minor>}) as the minor
 * version whose checks apply. {@code latest}, and versions newer than this server, mean this
 * server's own minor version (upstream clamps to the newest checks it knows).
 */
final class PodSecurityVersion {

  /** The minor version {@code latest} stands for: the Kubernetes version Kuark serves. */
  static final int LATEST = Integer.parseInt(VersionInfo.MINOR);

  private static final Pattern VERSION = Pattern.compile("^v1\\.(0|[1-9][0-9]{0,3})$");

  private PodSecurityVersion() {}

  /** The minor version, or null for a label value that is not a version. */
  static Integer parse(String label) {
    if (label.equals("latest")) {
      return LATEST;
    }
    Matcher m = VERSION.matcher(label);
    if (!m.matches()) {
      return null;
    }
    return Math.min(Integer.parseInt(m.group(1)), LATEST);
  }
}
