package io.kuark.server.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A node where the preemptor fits once {@code victims} are gone, most important victim first;
 * {@code pdbViolations} victims go against a PodDisruptionBudget that allows no more disruptions.
 */
public record Candidate(String node, List<Pod> victims, int pdbViolations) {}
