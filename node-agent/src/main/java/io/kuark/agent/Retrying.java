package io.kuark.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Repeats an attempt at something the agent cannot start without until it succeeds or the agent
 * stops: a failure of the kind that heals once the API server is back is logged (one warning per
 * attempt) and tried again after the back-off's wait; any other failure ends at once.
 *
 * @param <F> the failures that are tried again
 */
public final class Retrying<F extends Exception> {

  private static final Logger LOG = Logger.getLogger(Retrying.class);

  /** One attempt; throws {@code E}, which may include the failures that are tried again. */
  @FunctionalInterface
  public interface Attempt<T, E extends Exception> {
    T run() throws E;
  }

  /** The failure to throw when the agent stopped before an attempt succeeded. */
  @FunctionalInterface
  public interface Stopped<X extends Exception> {
    /**
     * @param cause the last attempt's failure, null when no attempt was made
     */
    X exception(Exception cause);
  }

  private final String what;
  private final Class<F> retried;
  private final Function<? super F, String> reason;

  /**
   * @param what what is attempted, for the log ("registering node n1")
   * @param retried the failures that are tried again
   * @param reason a failure as a short reason for the log
   */
  public Retrying(String what, Class<F> retried, Function<? super F, String> reason) {
    this.what = what;
    this.retried = retried;
    this.reason = reason;
  }

  /**
   * Runs {@code attempt} until it returns. Before each attempt and after each retried failure
   * {@code stopped} is asked: once it is true, {@code whenStopped}'s exception is thrown.
   *
   * @throws E a failure of the attempt that is not retried
   * @throws X the agent stopped before an attempt succeeded
   * @throws InterruptedException interrupted while waiting to try again
   */
  public <T, E extends Exception, X extends Exception> T run(
      Attempt<T, E> attempt,
      RetryBackoff backoff,
      RetryWait wait,
      BooleanSupplier stopped,
      Stopped<X> whenStopped)
      throws E, X, InterruptedException {
    F failure = null;
    for (int number = 1; ; number++) {
      if (stopped.getAsBoolean()) {
        throw whenStopped.exception(failure);
      }
      try {
        T result = attempt.run();
        if (number > 1) {
          LOG.infof("%s succeeded at attempt %d", what, number);
        }
        return result;
      } catch (Exception e) {
        if (!retried.isInstance(e)) {
          throw e;
        }
        failure = retried.cast(e);
      }
      if (stopped.getAsBoolean()) {
        throw whenStopped.exception(failure);
      }
      Duration next = backoff.next();
      LOG.warnf(
          "%s failed (attempt %d): %s; trying again in %d ms",
          what, number, reason.apply(failure), next.toMillis());
      wait.sleep(next);
    }
  }
}
