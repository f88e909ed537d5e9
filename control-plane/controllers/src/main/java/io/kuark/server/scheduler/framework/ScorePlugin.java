package io.kuark.server.scheduler.framework;

/**
 * Ranks feasible nodes. {@link #score} returns a raw score; {@link #normalize} maps the raw scores
 * of all feasible nodes (in place) onto 0..{@link #MAX_SCORE}.
 */
public interface ScorePlugin extends Plugin {
  long MAX_SCORE = 100;

  long score(CycleState state, PodInfo pod, NodeInfo node);

  /** Default: raw scores are already in range. */
  default void normalize(CycleState state, PodInfo pod, long[] scores) {}

  /** Weight in the final sum (upstream's default profile weights). */
  int weight();
}
