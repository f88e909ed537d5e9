package io.kuark.server.scheduler.framework;

import java.util.List;

/**
 * The outcome of one plugin at one extension point. {@code UNSCHEDULABLE} means the pod might fit
 * once something changes (e.g. resources freed, so preemption could help); {@code UNRESOLVABLE}
 * means preemption cannot help (taints, affinity); {@code ERROR} is an internal failure.
 */
public record Status(Code code, List<String> reasons, String plugin) {

  public enum Code {
    SUCCESS,
    UNSCHEDULABLE,
    UNRESOLVABLE,
    ERROR
  }

  private static final Status OK = new Status(Code.SUCCESS, List.of(), "");

  public static Status success() {
    return OK;
  }

  public static Status unschedulable(String plugin, String... reasons) {
    return new Status(Code.UNSCHEDULABLE, List.of(reasons), plugin);
  }

  public static Status unresolvable(String plugin, String... reasons) {
    return new Status(Code.UNRESOLVABLE, List.of(reasons), plugin);
  }

  public static Status error(String plugin, String reason) {
    return new Status(Code.ERROR, List.of(reason), plugin);
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }
}
