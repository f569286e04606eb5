#!/usr/bin/python3
"""An independent RTSPS server playing "the printer" in interop tests: GStreamer's
GstRtspServer (not our code) serving live H.264 from videotestsrc + x264enc over RTSP on TLS,
at /streaming/live/1 with user/password (Basic or Digest), like a BambuLab X1.

Prints "PORT <n>" on stdout once listening; exits when stdin closes (so it never outlives the
test that started it).

  gst-rtsp-server.py --cert CERT.pem --key KEY.pem --password CODE [--port 0] [--auth basic|digest] [--plain] [--audio]
  gst-rtsp-server.py --relay rtsps://USER:CODE@PRINTER/streaming/live/1 --password CODE [--plain | --cert ... --key ...]

With --audio a second track follows the video: AAC (mpeg4-generic, as IP cameras send it) from
audiotestsrc. With --relay it is instead a relay built from GStreamer alone, the reference the
benchmarks hold the proxy against: one media shared by every client, pulling the printer over
RTSPS (interleaved TCP) and repacketizing its H.264 without decoding it.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", default="0")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user", default="bblp")
    p.add_argument("--password", required=True)
    p.add_argument("--auth", choices=["basic", "digest"], default="basic")
    p.add_argument("--plain", action="store_true", help="no TLS (plain RTSP)")
    p.add_argument("--mount", default="/streaming/live/1")
    p.add_argument("--audio", action="store_true", help="an AAC audio track after the video")
    p.add_argument("--relay", metavar="URL", help="relay this RTSP(S) stream instead of making one")
    args = p.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer.new()
    server.set_address("127.0.0.1")
    server.set_service(args.port)

    factory = GstRtspServer.RTSPMediaFactory.new()
    # live source so packets are paced in real time; an IDR every second, SPS/PPS in-band
    video = ("videotestsrc is-live=true pattern=ball "
             "! video/x-raw,width=320,height=240,framerate=15/1 "
             "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 bitrate=300 "
             "! video/x-h264,profile=baseline "
             "! rtph264pay name=pay0 pt=96 config-interval=-1")
    audio = (" audiotestsrc is-live=true wave=sine freq=440 "
             "! audio/x-raw,rate=16000,channels=1 "
             "! audioconvert ! avenc_aac bitrate=32000 "
             "! rtpmp4gpay name=pay1 pt=97") if args.audio else ""
    if args.relay:
        factory.set_launch('( rtspsrc location="%s" protocols=tcp tls-validation-flags=0 latency=0 '
                           '! rtph264depay ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )' % args.relay)
    else:
        factory.set_launch("( " + video + audio + " )")
    factory.set_shared(True)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)

    auth = GstRtspServer.RTSPAuth.new()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "user")
    if args.auth == "digest":
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    if not args.plain:
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(args.cert, args.key))
    server.set_auth(auth)
    role = Gst.Structure.from_string(
        "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0]
    factory.add_role_from_structure(role)
    server.get_mount_points().add_factory(args.mount, factory)

    if server.attach(None) == 0:
        print("cannot listen", file=sys.stderr)
        sys.exit(1)
    loop = GLib.MainLoop()
    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()),
                      GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP,
                      lambda *a: (loop.quit(), False)[1] if not sys.stdin.readline() else True)
    print("PORT %d" % server.get_bound_port(), flush=True)
    loop.run()


if __name__ == "__main__":
    main()
