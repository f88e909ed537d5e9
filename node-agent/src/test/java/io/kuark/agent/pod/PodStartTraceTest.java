package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodStartTraceTest {

  @Test
  void aLineListsEachPhaseAfterTheInformerDeliveredThePod() {
    PodStartTrace trace = new PodStartTrace("ns1", "web-0");
    trace.mark("worker");
    trace.mark("netns");
    assertThat(trace.done()).isFalse();
    trace.finish("status");

    assertThat(trace.done()).isTrue();
    assertThat(trace.line())
        .matches(
            "pod-start-trace ns1/web-0 seen=\\d{13} worker=\\+\\d+ netns=\\+\\d+ status=\\+\\d+"
                + " workerCpuMs=\\d+\\.\\d");
  }

  @Test
  void marksAfterTheFinishAreIgnored() {
    PodStartTrace trace = new PodStartTrace("ns1", "web-0");
    trace.finish("status");
    String line = trace.line();
    trace.mark("later");
    trace.finish("again");
    assertThat(trace.line().replaceAll("workerCpuMs=\\S+", ""))
        .isEqualTo(line.replaceAll("workerCpuMs=\\S+", ""));
  }

  @Test
  void theNoneTraceRecordsNothing() {
    PodStartTrace none = PodStartTrace.none();
    assertThat(none.done()).isTrue();
    none.mark("worker");
    none.finish("status");
    assertThat(none.line()).doesNotContain("worker=").doesNotContain("status=");
  }
}
