package io.kuark.server.apimodel;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders API versions the way upstream prioritises them: GA before beta before alpha, higher
 * numbers first within each ({@code v2 > v1 > v1beta2 > v1beta1 > v1alpha1}), then versions that do
 * not look like Kubernetes versions, alphabetically. The first element is the preferred one.
 */
public final class KubeVersionOrder implements Comparator<String> {

  /** Shared instance. */
  public static final KubeVersionOrder INSTANCE = new KubeVersionOrder();

  private static final Pattern KUBE = Pattern.compile("^v(\\d+)(?:(alpha|beta)(\\d+))?$");

  private KubeVersionOrder() {}

  @Override
  public int compare(String a, String b) {
    Matcher ma = KUBE.matcher(a);
    Matcher mb = KUBE.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (ka != kb) {
      return ka ? -1 : 1;
    }
    if (!ka) {
      return a.compareTo(b);
    }
    int stageA = stage(ma.group(2));
    int stageB = stage(mb.group(2));
    if (stageA != stageB) {
      return Integer.compare(stageB, stageA);
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0) {
      return major;
    }
    if (ma.group(3) == null) {
      return 0;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int stage(String s) {
    if (s == null) {
      return 2;
    }
    return "beta".equals(s) ? 1 : 0;
  }
}
