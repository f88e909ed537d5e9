package io.kuark.server.apimodel.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodPrinterTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2024-01-01T01:00:00Z");
  final PodPrinter printer = new PodPrinter();

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void runningPodWithWideColumns() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'web','creationTimestamp':'2024-01-01T00:55:00Z'},"
                + "'spec':{'nodeName':'n1','containers':[{'name':'a'},{'name':'b'}]},"
                + "'status':{'phase':'Running','podIP':'10.42.0.5','podIPs':[{'ip':'10.42.0.5'}],"
                + "'containerStatuses':["
                + "{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}},"
                + "{'name':'b','ready':false,'restartCount':2,'state':{'running':{}},"
                + " 'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-01-01T00:57:00Z'}}}]}}");
    List<Object> cells = printer.cells(pod, NOW);
    assertThat(cells)
        .containsExactly(
            "web", "1/2", "Running", "2 (3m ago)", "5m", "10.42.0.5", "n1", "<none>", "<none>");
  }

  @Test
  void pendingPodShowsWaitingReasonAndNoIp() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'p','creationTimestamp':'2024-01-01T00:59:50Z'},"
                + "'spec':{'containers':[{'name':'a'}]},"
                + "'status':{'phase':'Pending','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}}");
    assertThat(printer.cells(pod, NOW))
        .containsExactly(
            "p", "0/1", "ContainerCreating", "0", "10s", "<none>", "<none>", "<none>", "<none>");
  }

  @Test
  void unscheduledPodIsPending() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending'}}");
    assertThat(printer.cells(pod, NOW).subList(0, 5))
        .containsExactly("p", "0/1", "Pending", "0", "<unknown>");
  }

  @Test
  void schedulingGatedWins() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
                + "'conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}}");
    assertThat(printer.cells(pod, NOW).get(2)).isEqualTo("SchedulingGated");
  }

  @Test
  void initContainersProgress() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],"
                + "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'i1','state':{'terminated':{'exitCode':0}}},"
                + "{'name':'i2','state':{'running':{}}}]}}");
    assertThat(printer.cells(pod, NOW).get(2)).isEqualTo("Init:1/2");
    JsonNode crash =
        json(
            "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i1'}],"
                + "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'i1','restartCount':3,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}}");
    assertThat(printer.cells(crash, NOW).subList(2, 4))
        .containsExactly("Init:CrashLoopBackOff", "3");
    JsonNode failed =
        json(
            "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i1'}],"
                + "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'i1','state':{'terminated':{'exitCode':2}}}]}}");
    assertThat(printer.cells(failed, NOW).get(2)).isEqualTo("Init:ExitCode:2");
  }

  @Test
  void completedAndFailedContainers() {
    JsonNode done =
        json(
            "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Succeeded',"
                + "'containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}");
    assertThat(printer.cells(done, NOW).get(2)).isEqualTo("Completed");
    assertThat(printer.completed(done))
        .containsExactly("Succeeded", "The pod has completed successfully.");
    JsonNode sig =
        json(
            "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Failed',"
                + "'containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':137,'signal':9}}}]}}");
    assertThat(printer.cells(sig, NOW).get(2)).isEqualTo("Signal:9");
  }

  @Test
  void completedContainerNextToRunningOneShowsRunningOrNotReady() {
    String base =
        "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},'status':{'phase':'Running',%s"
            + "'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}},"
            + "{'name':'b','state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}";
    assertThat(
            printer
                .cells(
                    json(String.format(base, "'conditions':[{'type':'Ready','status':'True'}],")),
                    NOW)
                .get(2))
        .isEqualTo("Running");
    assertThat(printer.cells(json(String.format(base, "")), NOW).get(2)).isEqualTo("NotReady");
  }

  @Test
  void deletingPodsAreTerminatingUnlessFinishedOrNodeLost() {
    JsonNode deleting =
        json(
            "{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:59:00Z'},"
                + "'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running'}}");
    assertThat(printer.cells(deleting, NOW).get(2)).isEqualTo("Terminating");
    JsonNode lost =
        json(
            "{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:59:00Z'},"
                + "'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running','reason':'NodeLost'}}");
    assertThat(printer.cells(lost, NOW).get(2)).isEqualTo("Unknown");
    JsonNode finished =
        json(
            "{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:59:00Z'},"
                + "'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Succeeded'}}");
    assertThat(printer.cells(finished, NOW).get(2)).isEqualTo("Succeeded");
  }

  @Test
  void sidecarsCountAsContainers() {
    JsonNode pod =
        json(
            "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'s','restartPolicy':'Always'}],"
                + "'containers':[{'name':'a'}],'readinessGates':[{'conditionType':'x'}]},"
                + "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},{'type':'x','status':'True'}],"
                + "'initContainerStatuses':[{'name':'s','started':true,'ready':true,'restartCount':1,'state':{'running':{}}}],"
                + "'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}}]}}");
    List<Object> cells = printer.cells(pod, NOW);
    assertThat(cells.subList(1, 4)).containsExactly("2/2", "Running", "1");
    assertThat(cells.get(8)).isEqualTo("1/1");
  }
}
