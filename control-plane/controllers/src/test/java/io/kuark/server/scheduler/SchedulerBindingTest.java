package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binding cycle runs apart from the scheduling cycle, as upstream's does: bindings of a burst
 * proceed while some hang, the next cycle counts a pod whose binding is still in flight (assumed)
 * against its node, and a failed binding gives the room back and retries the pod.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SchedulerBindingTest {
  static KubernetesClient client;
  private TestLoops loops;
  private Scheduler scheduler;

  /** Pods whose binding blocks until {@link #release} opens. */
  private final Set<String> slow = ConcurrentHashMap.newKeySet();

  private final CountDownLatch release = new CountDownLatch(1);
  private final Set<String> bindingStarted = ConcurrentHashMap.newKeySet();

  /** Pods whose next binding attempt fails, and how many attempts failed. */
  private final Set<String> failOnce = ConcurrentHashMap.newKeySet();

  private final AtomicInteger failures = new AtomicInteger();

  private void bind(Pod pod, String node) throws Exception {
    String name = pod.getMetadata().getName();
    bindingStarted.add(name);
    if (slow.contains(name)) {
      release.await();
    }
    if (failOnce.remove(name)) {
      failures.incrementAndGet();
      throw new IllegalStateException("API unavailable");
    }
    Fixtures.bindByUpdate(client, pod, node);
  }

  @BeforeEach
  void start() {
    loops = new TestLoops(client, Clock.systemUTC());
    scheduler = new Scheduler(loops.context(), this::bind, new SchedulerMetrics());
    loops.start();
    scheduler.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    scheduler.close();
    loops.close();
    client.pods().inAnyNamespace().delete();
    client.nodes().delete();
    client.v1().events().inAnyNamespace().delete();
  }

  private static void create(Pod p) {
    p.getMetadata().setUid(null);
    client.pods().inNamespace("default").resource(p).create();
  }

  private static String nodeOf(String pod) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    return p == null ? null : p.getSpec().getNodeName();
  }

  @Test
  void podsOfABurstAreBoundWhileEarlierBindingsHang() {
    client.nodes().resource(Fixtures.node("n1", "8", "16Gi")).create();
    // More hanging bindings than the two binding threads the scheduler used to have.
    for (int i = 0; i < 3; i++) {
      slow.add("slow-" + i);
      create(Fixtures.pod("slow-" + i, "100m", "64Mi"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> bindingStarted.containsAll(slow));
    for (int i = 0; i < 6; i++) {
      create(Fixtures.pod("fast-" + i, "100m", "64Mi"));
    }
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 6; i++) {
                assertThat(nodeOf("fast-" + i)).isEqualTo("n1");
              }
            });
    for (String s : slow) {
      assertThat(nodeOf(s)).as(s + " is still binding").isNull();
    }
    release.countDown();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String s : slow) {
                assertThat(nodeOf(s)).isEqualTo("n1");
              }
            });
  }

  @Test
  void aPodWhoseBindingIsInFlightTakesItsRoomFromTheNextCycle() {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    slow.add("first");
    create(Fixtures.pod("first", "600m", "64Mi"));
    await().atMost(Duration.ofSeconds(60)).until(() -> bindingStarted.contains("first"));
    // "first" is only assumed on n1 (its binding hangs, the API shows it pending), yet the 400m
    // left are all the next pod may have.
    create(Fixtures.pod("second", "600m", "64Mi"));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod p = client.pods().inNamespace("default").withName("second").get();
              PodCondition c = Pods.condition(p, "PodScheduled");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("Unschedulable");
              assertThat(c.getMessage()).contains("Insufficient cpu");
            });
    assertThat(nodeOf("first")).isNull();
    assertThat(bindingStarted).doesNotContain("second");
    release.countDown();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(nodeOf("first")).isEqualTo("n1"));
    assertThat(nodeOf("second")).isNull();
  }

  @Test
  void aFailedBindingGivesTheRoomBackAndRetriesThePod() {
    // Room for one such pod: unless the failed attempt's assumption is dropped, the retry finds
    // the pod already placed (or the node full) and it never binds.
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    failOnce.add("flaky");
    create(Fixtures.pod("flaky", "600m", "64Mi"));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(nodeOf("flaky")).isEqualTo("n1"));
    assertThat(failures).hasValue(1);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(client.v1().events().inNamespace("default").list().getItems())
                  .extracting(Event::getMessage)
                  .anySatisfy(m -> assertThat(m).startsWith("Binding rejected: API unavailable"));
            });
  }
}
