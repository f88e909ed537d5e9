package io.kuark.server.api.strategy;

/**
 * The parts of {@code metav1.DeleteOptions} the server acts on.
 *
 * @param gracePeriodSeconds requested grace period, or null for the object's default
 * @param preconditionUid required uid, or null
 * @param preconditionResourceVersion required resourceVersion, or null
 * @param propagationPolicy Orphan, Background, Foreground or null
 * @param dryRun true for dryRun=All
 * @param orphanDependents the deprecated {@code orphanDependents} flag, or null when not given
 */
public record DeleteOptions(
    Long gracePeriodSeconds,
    String preconditionUid,
    String preconditionResourceVersion,
    String propagationPolicy,
    boolean dryRun,
    Boolean orphanDependents) {

  public DeleteOptions(
      Long gracePeriodSeconds,
      String preconditionUid,
      String preconditionResourceVersion,
      String propagationPolicy,
      boolean dryRun) {
    this(
        gracePeriodSeconds,
        preconditionUid,
        preconditionResourceVersion,
        propagationPolicy,
        dryRun,
        null);
  }
}
