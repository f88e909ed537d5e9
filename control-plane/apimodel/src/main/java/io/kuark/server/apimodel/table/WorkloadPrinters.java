package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.Cells.containerImages;
import static io.kuark.server.apimodel.table.Cells.containerNames;
import static io.kuark.server.apimodel.table.Cells.num;
import static io.kuark.server.apimodel.table.Cells.text;
import static io.kuark.server.apimodel.table.ColumnDefinition.age;
import static io.kuark.server.apimodel.table.ColumnDefinition.col;
import static io.kuark.server.apimodel.table.ColumnDefinition.nameColumn;
import static io.kuark.server.apimodel.table.ColumnDefinition.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Printers for apps/v1 and batch/v1 workloads, with upstream's columns. */
final class WorkloadPrinters {

  private static final String CONTAINERS = "Names of each container in the template.";
  private static final String IMAGES = "Images referenced by each container in the template.";
  private static final String SELECTOR =
      "A label query over pods that should match the replica count.";

  private WorkloadPrinters() {}

  static void register(Map<String, Printer> out) {
    out.put("apps/Deployment", deployment());
    out.put("apps/ReplicaSet", replicaSet());
    out.put("apps/DaemonSet", daemonSet());
    out.put("apps/StatefulSet", statefulSet());
    out.put("apps/ControllerRevision", controllerRevision());
    out.put("batch/Job", job());
    out.put("batch/CronJob", cronJob());
    out.put("/PodTemplate", podTemplate());
  }

  private static List<Object> row(JsonNode o, Instant now, Object... middle) {
    List<Object> cells = new ArrayList<>();
    cells.add(text(o, "metadata", "name"));
    for (Object m : middle) {
      cells.add(m);
    }
    return cells;
  }

  private static String ageOf(JsonNode o, Instant now) {
    return HumanDuration.since(text(o, "metadata", "creationTimestamp"), now);
  }

  private static JsonNode podSpec(JsonNode o) {
    return o.path("spec").path("template").path("spec");
  }

  private static Printer deployment() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Ready", "string", "Number of the pod with ready state"),
            col(
                "Up-to-date",
                "string",
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            col(
                "Available",
                "string",
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES),
            wide("Selector", "string", "Label selector for pods.")),
        (o, now) ->
            row(
                o,
                now,
                num(o, 0, "status", "readyReplicas") + "/" + num(o, 1, "spec", "replicas"),
                num(o, 0, "status", "updatedReplicas"),
                num(o, 0, "status", "availableReplicas"),
                ageOf(o, now),
                containerNames(podSpec(o).path("containers")),
                containerImages(podSpec(o).path("containers")),
                Cells.selector(o.path("spec").path("selector"))));
  }

  private static Printer replicaSet() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Desired", "integer", "Replicas is the number of desired pods."),
            col("Current", "integer", "Replicas is the most recently observed number of replicas."),
            col("Ready", "integer", "The number of ready replicas for this replica set."),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES),
            wide("Selector", "string", SELECTOR)),
        (o, now) ->
            row(
                o,
                now,
                num(o, 1, "spec", "replicas"),
                num(o, 0, "status", "replicas"),
                num(o, 0, "status", "readyReplicas"),
                ageOf(o, now),
                containerNames(podSpec(o).path("containers")),
                containerImages(podSpec(o).path("containers")),
                Cells.selector(o.path("spec").path("selector"))));
  }

  private static Printer daemonSet() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "Desired",
                "integer",
                "The total number of nodes that should be running the daemon pod."),
            col(
                "Current",
                "integer",
                "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            col(
                "Ready",
                "integer",
                "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            col(
                "Up-to-date",
                "integer",
                "The total number of nodes that are running updated daemon pod"),
            col(
                "Available",
                "integer",
                "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
            col(
                "Node Selector",
                "string",
                "NodeSelector is a selector which must be true for the pod to fit on a node."),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES),
            wide("Selector", "string", SELECTOR)),
        (o, now) ->
            row(
                o,
                now,
                num(o, 0, "status", "desiredNumberScheduled"),
                num(o, 0, "status", "currentNumberScheduled"),
                num(o, 0, "status", "numberReady"),
                num(o, 0, "status", "updatedNumberScheduled"),
                num(o, 0, "status", "numberAvailable"),
                Cells.labels(podSpec(o).path("nodeSelector")),
                ageOf(o, now),
                containerNames(podSpec(o).path("containers")),
                containerImages(podSpec(o).path("containers")),
                Cells.selector(o.path("spec").path("selector"))));
  }

  private static Printer statefulSet() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Ready", "string", "Number of the pod with ready state"),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES)),
        (o, now) ->
            row(
                o,
                now,
                num(o, 0, "status", "readyReplicas") + "/" + num(o, 1, "spec", "replicas"),
                ageOf(o, now),
                containerNames(podSpec(o).path("containers")),
                containerImages(podSpec(o).path("containers"))));
  }

  private static Printer controllerRevision() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Controller", "string", "Controller of the object"),
            col(
                "Revision",
                "string",
                "Revision indicates the revision of the state represented by Data."),
            age()),
        (o, now) -> {
          String controller = Cells.NONE;
          for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
              String apiVersion = ref.path("apiVersion").asText();
              int slash = apiVersion.indexOf('/');
              String group = slash < 0 ? "" : "." + apiVersion.substring(0, slash);
              controller =
                  ref.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
                      + group
                      + "/"
                      + ref.path("name").asText();
              break;
            }
          }
          return row(o, now, controller, num(o, 0, "revision"), ageOf(o, now));
        });
  }

  private static Printer job() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Status", "string", "Status of the job."),
            col("Completions", "string", "The number of pods which reached phase Succeeded."),
            col("Duration", "string", "Time required to complete the job."),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES),
            wide("Selector", "string", "A label query over pods that should match the pod count.")),
        (o, now) -> {
          long succeeded = num(o, 0, "status", "succeeded");
          String completions;
          if (o.path("spec").path("completions").isNumber()) {
            completions = succeeded + "/" + o.path("spec").path("completions").asLong();
          } else {
            long parallelism = num(o, 0, "spec", "parallelism");
            completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
          }
          return row(
              o,
              now,
              jobStatus(o),
              completions,
              jobDuration(o, now),
              ageOf(o, now),
              containerNames(podSpec(o).path("containers")),
              containerImages(podSpec(o).path("containers")),
              Cells.selector(o.path("spec").path("selector")));
        });
  }

  /** Complete, Failed, Suspended, FailureTarget (first true condition in that order) or Running. */
  private static String jobStatus(JsonNode job) {
    for (String type : new String[] {"Complete", "Failed", "Suspended", "FailureTarget"}) {
      for (JsonNode c : job.path("status").path("conditions")) {
        if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
          return type;
        }
      }
    }
    return "Running";
  }

  private static String jobDuration(JsonNode job, Instant now) {
    String start = text(job, "status", "startTime");
    if (start.isEmpty()) {
      return "";
    }
    String end = text(job, "status", "completionTime");
    try {
      Instant s = Instant.parse(start);
      Instant e = end.isEmpty() ? now : Instant.parse(end);
      return HumanDuration.format(Duration.between(s, e));
    } catch (java.time.format.DateTimeParseException ex) {
      return "<invalid>";
    }
  }

  private static Printer cronJob() {
    return Printer.of(
        List.of(
            nameColumn(),
            col(
                "Schedule",
                "string",
                "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            col("Timezone", "string", "The time zone name for the given schedule."),
            col(
                "Suspend",
                "boolean",
                "This flag tells the controller to suspend subsequent executions."),
            col("Active", "integer", "A list of pointers to currently running jobs."),
            col(
                "Last Schedule",
                "string",
                "Information when was the last time the job was successfully scheduled."),
            age(),
            wide("Containers", "string", CONTAINERS),
            wide("Images", "string", IMAGES),
            wide("Selector", "string", "A label query over pods that should match the pod count.")),
        (o, now) -> {
          JsonNode jobSpec = o.path("spec").path("jobTemplate").path("spec");
          JsonNode containers = jobSpec.path("template").path("spec").path("containers");
          String last = text(o, "status", "lastScheduleTime");
          JsonNode suspend = o.path("spec").path("suspend");
          return row(
              o,
              now,
              text(o, "spec", "schedule"),
              Cells.orNone(text(o, "spec", "timeZone")),
              suspend.isBoolean() ? (suspend.asBoolean() ? "True" : "False") : "<unset>",
              Cells.size(o.path("status").path("active")),
              last.isEmpty() ? Cells.NONE : HumanDuration.since(last, now),
              ageOf(o, now),
              containerNames(containers),
              containerImages(containers),
              Cells.selector(jobSpec.path("selector")));
        });
  }

  private static Printer podTemplate() {
    return Printer.of(
        List.of(
            nameColumn(),
            col("Containers", "string", CONTAINERS),
            col("Images", "string", IMAGES),
            col("Pod Labels", "string", "The labels for the pod template.")),
        (o, now) -> {
          JsonNode t = o.path("template");
          return row(
              o,
              now,
              containerNames(t.path("spec").path("containers")),
              containerImages(t.path("spec").path("containers")),
              Cells.labels(t.path("metadata").path("labels")));
        });
  }
}
