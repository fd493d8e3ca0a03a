package io.github.vmdkdelta.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, and the Java runtime it runs on. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "vmdk-delta " + (version != null ? version : "(development build)"),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
