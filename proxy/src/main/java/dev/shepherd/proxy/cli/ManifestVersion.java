package dev.shepherd.proxy.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ({@code Implementation-Version}). */
final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ManifestVersion.class.getPackage().getImplementationVersion();
        return new String[] {"shepherd " + (version == null ? "(development build)" : version)};
    }
}
