package io.kuark.cni;

import java.util.List;

/** The spec versions kuark-bridge speaks and what each allows. */
public final class CniVersions {
  /** Oldest first. 0.1/0.2 used a different result shape and are not offered. */
  public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

  private CniVersions() {}

  public static boolean supported(String version) {
    return SUPPORTED.contains(version);
  }

  /** Compares dotted versions numerically. */
  public static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? parse(x[i]) : 0;
      int yi = i < y.length ? parse(y[i]) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }

  public static boolean atLeast(String version, String minimum) {
    return compare(version, minimum) >= 0;
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
