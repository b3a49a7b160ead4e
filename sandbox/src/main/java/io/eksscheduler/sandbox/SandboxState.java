package io.eksscheduler.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eksscheduler.sandbox.controlplane.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code up} recorded in {@code sandbox.json}: ports, binaries, speed and scenario, so that
 * {@code status}, {@code down} and the JUnit extension can work with a running sandbox.
 */
public record SandboxState(
    String dir,
    String binDir,
    Ports ports,
    double speed,
    String scenario,
    String kubernetesVersion,
    String startedAt) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path file) {
    try {
      Files.writeString(file, JSON.writeValueAsString(this));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the state of the sandbox in {@code layout}, failing with a hint when there is none. */
  public static SandboxState read(SandboxLayout layout) {
    Path file = layout.state();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "no sandbox in "
              + layout.dir()
              + " ("
              + file.getFileName()
              + " is missing): run `up` first");
    }
    try {
      return JSON.readValue(file.toFile(), SandboxState.class);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }
}
