package com.pandaproxy.app;

import com.pandaproxy.printer.CameraType;

/** The --camera option: detect the camera type, or skip detection. */
public enum CameraMode {
    AUTO, CHAMBER, RTSP;

    /** The type it fixes, or null to detect. */
    public CameraType fixed() {
        return this == AUTO ? null : CameraType.valueOf(name());
    }
}
