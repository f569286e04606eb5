package com.pandaproxy.app;

/** The --camera option: detect the camera type, or skip detection. */
public enum CameraMode {
    AUTO, CHAMBER, RTSP
}
