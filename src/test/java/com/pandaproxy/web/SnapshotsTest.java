package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.PictureViewer;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.testutil.EventLoops;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshots when the picture cannot be had: an answer, never a request left waiting. */
class SnapshotsTest {
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(1);

    /**
     * An unexpected exception while making a picture (a decoder or JPEG writer bug, a damaged
     * keyframe) is answered as "no picture", and the next ask is answered too: the worker used to
     * keep the exception inside its task, so the future never completed and /snapshot.jpg hung.
     */
    @Test
    void anUnexpectedFailureIsAnsweredAsNoPicture() throws Exception {
        try (Snapshots snapshots = new Snapshots(new BrokenCamera(), LOOPS.group().next())) {
            for (int i = 0; i < 2; i++) {
                Snapshots.Result r = snapshots.latest().get(5, TimeUnit.SECONDS);
                assertNull(r.jpeg());
                assertTrue(r.problem().contains("IllegalStateException"), r.problem());
            }
        }
    }

    /** An RTSP camera whose keyframe cannot be had: nothing real fails this way on purpose. */
    private static final class BrokenCamera implements Camera {
        @Override
        public PrinterStatus status() {
            return PrinterStatus.initial(CameraType.RTSP);
        }

        @Override
        public Optional<H264Keyframe> latestKeyframe() {
            throw new IllegalStateException("broken");
        }

        @Override
        public List<StatusBoard.Client> clients() {
            return List.of();
        }

        @Override
        public boolean serving() {
            return true;
        }

        @Override
        public Optional<byte[]> latestJpeg() {
            return Optional.empty();
        }

        @Override
        public void watch(PictureViewer viewer) {
        }

        @Override
        public void unwatch(PictureViewer viewer) {
        }

        @Override
        public StatusBoard.Client clientJoined(String protocol, SocketAddress address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clientLeft(StatusBoard.Client client) {
        }

        @Override
        public void reconnect() {
        }
    }
}
