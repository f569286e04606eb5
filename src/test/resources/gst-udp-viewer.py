#!/usr/bin/python3
"""A GStreamer RTSP viewer over UDP that reports what GStreamer itself counted as lost.

Plays rtspsrc (protocols=udp) -> rtph264depay -> h264parse -> fakesink for SECONDS, then prints
one line from the stream's rtpjitterbuffer statistics and the pictures that reached the sink:

  STATS pushed=<n> lost=<n> late=<n> duplicates=<n> pictures=<n>

  gst-udp-viewer.py URL --user USER --password PASSWORD --seconds N
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--user", default="bblp")
    p.add_argument("--password", required=True)
    p.add_argument("--seconds", type=float, required=True)
    args = p.parse_args()

    Gst.init(None)
    pipeline = Gst.Pipeline.new("viewer")
    src = Gst.ElementFactory.make("rtspsrc", "src")
    src.set_property("location", args.url)
    src.set_property("protocols", "udp")
    src.set_property("user-id", args.user)
    src.set_property("user-pw", args.password)
    # lost means missing for half a second, not merely late
    src.set_property("latency", 500)
    depay = Gst.ElementFactory.make("rtph264depay")
    parse = Gst.ElementFactory.make("h264parse")
    sink = Gst.ElementFactory.make("fakesink")
    for e in (src, depay, parse, sink):
        pipeline.add(e)
    depay.link(parse)
    parse.link(sink)
    src.connect("pad-added", lambda _src, pad: pad.link(depay.get_static_pad("sink")))

    pictures = [0]

    def counted(_pad, _info):
        pictures[0] += 1
        return Gst.PadProbeReturn.OK

    sink.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, counted)

    loop = GLib.MainLoop()
    failed = []

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            failed.append("%s (%s)" % (err.message, debug))
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)

    def report():
        stats = {"num-pushed": 0, "num-lost": 0, "num-late": 0, "num-duplicates": 0}
        it = src.iterate_recurse()
        while True:
            res, e = it.next()
            if res != Gst.IteratorResult.OK:
                break
            if e.get_factory() is not None and e.get_factory().get_name() == "rtpjitterbuffer":
                s = e.get_property("stats")
                for k in stats:
                    ok, v = s.get_uint64(k)
                    if ok:
                        stats[k] += v
        print("STATS pushed=%d lost=%d late=%d duplicates=%d pictures=%d" % (
            stats["num-pushed"], stats["num-lost"], stats["num-late"], stats["num-duplicates"], pictures[0]),
            flush=True)
        loop.quit()
        return False

    pipeline.set_state(Gst.State.PLAYING)
    GLib.timeout_add(int(args.seconds * 1000), report)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    if failed:
        print("ERROR " + failed[0], file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
