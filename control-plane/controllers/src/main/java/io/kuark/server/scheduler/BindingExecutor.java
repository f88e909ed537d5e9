package io.kuark.server.scheduler;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where binding cycles run: one thread per binding in flight, as upstream runs each binding cycle
 * in its own goroutine, so a burst of pods is bound in parallel and one slow binding (an API round
 * trip that waits behind a burst of creates, a volume PreBind) never holds up the others. The bound
 * only keeps a runaway burst from making thousands of threads; the threads go away when idle.
 */
final class BindingExecutor {
  /** More bindings in flight than the API server has request workers would only queue there. */
  static final int MAX_PARALLEL_BINDINGS = 32;

  private static final long IDLE_SECONDS = 30;

  private BindingExecutor() {}

  static ExecutorService create() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            MAX_PARALLEL_BINDINGS,
            MAX_PARALLEL_BINDINGS,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "kuark-scheduler-bind-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Core threads start one per submitted binding while fewer than the bound run, and time out.
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
