package io.kuark.server.api.system;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;

/**
 * The {@code /version} document: the Kubernetes version Kuark implements, tagged {@code -kuark}.
 */
public final class VersionInfo {

  public static final String MAJOR = "1";
  public static final String MINOR = "33";
  public static final String GIT_VERSION = "v1.33.0-kuark";

  private VersionInfo() {}

  public static ObjectNode document() {
    ObjectNode v = Json.object();
    v.put("major", MAJOR);
    v.put("minor", MINOR);
    v.put("emulationMajor", MAJOR);
    v.put("emulationMinor", MINOR);
    v.put("minCompatibilityMajor", MAJOR);
    v.put("minCompatibilityMinor", "32");
    v.put("gitVersion", GIT_VERSION);
    v.put("gitCommit", "kuark");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2026-01-01T00:00:00Z");
    v.put("goVersion", "java" + System.getProperty("java.specification.version"));
    v.put("compiler", "javac");
    v.put("platform", "linux/" + arch());
    return v;
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "amd64");
    return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
  }
}
