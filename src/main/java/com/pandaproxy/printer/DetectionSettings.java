package com.pandaproxy.printer;

import java.nio.file.Path;

/**
 * How the {@link Printer} finds its camera type. Built by {@code app}.
 *
 * @param fixed   the type given by the user (detection skipped), or null to detect
 * @param dataDir where the detected type is remembered for the next start
 * @param chamber the chamber-image protocol's probe
 * @param rtsp    the RTSP protocol's probe
 */
public record DetectionSettings(CameraType fixed, Path dataDir, Probe chamber, Probe rtsp) {
}
