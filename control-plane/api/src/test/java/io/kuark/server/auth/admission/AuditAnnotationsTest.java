package io.kuark.server.auth.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AuditAnnotationsTest {

  static final String PREFIX = "pod-security.kubernetes.io/";

  @Test
  void onlyViolationsAndExemptionsAreNotable() {
    assertThat(AuditAnnotations.notable(PREFIX + "audit-violations")).isTrue();
    assertThat(AuditAnnotations.notable(PREFIX + "exempt")).isTrue();
    assertThat(AuditAnnotations.notable(PREFIX + "enforce-policy")).isFalse();
  }

  @Test
  void theEnforcePolicyOfEveryPodIsNoInfoLine() throws Exception {
    Logger jul = Logger.getLogger("io.kuark.server.audit");
    List<LogRecord> records = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level before = jul.getLevel();
    jul.setLevel(Level.INFO);
    jul.addHandler(capture);
    try {
      ObjectNode pod =
          (ObjectNode)
              new ObjectMapper()
                  .readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns1\"},\"spec\":{}}");
      AdmissionAttributes a =
          new AdmissionAttributes(
              ResourceCatalog.builtIns().find("", "v1", "pods").orElseThrow(), pod, null, false);
      AuditAnnotations.LOG.add(a, PREFIX + "enforce-policy", "privileged:latest");
      assertThat(records).isEmpty();
      AuditAnnotations.LOG.add(a, PREFIX + "audit-violations", "would violate PodSecurity");
      assertThat(records).hasSize(1);
      assertThat(records.get(0).getLevel()).isEqualTo(Level.INFO);
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(before);
    }
  }
}
