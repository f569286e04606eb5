package com.pandaproxy.rtsp.server;

import com.pandaproxy.net.Errors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP segmentation offload (Linux's {@code UDP_SEGMENT}): a run of one viewer's datagrams of one
 * size, the last maybe shorter, leaves in one send, which the kernel (or the network card) cuts
 * back into the same datagrams. A picture's RTP packets are such runs (the fragments of a NAL unit
 * are all one size but the last), so a viewer costs one trip through the kernel's UDP/IP stack per
 * run instead of one per packet. Where the kernel refuses it once (a route whose device cannot
 * checksum segments), datagrams go one by one from then on.
 */
final class UdpSegments {
    private static final Logger LOG = LoggerFactory.getLogger(UdpSegments.class);
    /** Segments in one send: the kernel's UDP_MAX_SEGMENTS (64 up to Linux 6.x, 128 since). */
    static final int MAX_SEGMENTS = 64;
    /** One send is one IP datagram before it is cut: 64 KiB less the UDP and IPv6 headers. */
    static final int MAX_BYTES = 65_535 - 8 - 40;
    /**
     * A segment must fit the route's MTU or the kernel refuses the send (it cuts, it does not
     * fragment): an Ethernet MTU less the IPv6 and UDP headers. Larger datagrams go one by one.
     */
    static final int MAX_SEGMENT = 1500 - 40 - 8;
    private static final boolean SUPPORTED = supported();
    private static volatile boolean refused;

    private UdpSegments() {
    }

    private static boolean supported() {
        try {
            return SegmentedDatagramPacket.isSupported();
        } catch (LinkageError noEpoll) {
            return false;
        }
    }

    /** Whether runs are joined for this channel: epoll, a kernel with UDP_SEGMENT, not refused. */
    static boolean usable(Channel channel) {
        return SUPPORTED && !refused && channel instanceof EpollDatagramChannel;
    }

    /**
     * The batch with each run of datagrams to one recipient, one size (the last maybe shorter),
     * joined into one segmented datagram; the batch itself when there is none. Takes ownership.
     */
    static List<DatagramPacket> join(List<DatagramPacket> batch) {
        List<DatagramPacket> out = null;
        int i = 0;
        while (i < batch.size()) {
            int end = runEnd(batch, i);
            if (end - i > 1 && out == null) {
                out = new ArrayList<>(batch.subList(0, i));
            }
            if (out != null) {
                out.add(end - i == 1 ? batch.get(i) : joined(batch, i, end));
            }
            i = end;
        }
        return out == null ? batch : out;
    }

    private static int runEnd(List<DatagramPacket> batch, int start) {
        DatagramPacket first = batch.get(start);
        int size = first.content().readableBytes();
        if (size > MAX_SEGMENT) {
            return start + 1;
        }
        long total = size;
        int end = start + 1;
        while (end < batch.size() && end - start < MAX_SEGMENTS) {
            DatagramPacket next = batch.get(end);
            int length = next.content().readableBytes();
            if (length > size || length == 0 || total + length > MAX_BYTES || !sameRecipient(first, next)) {
                break;
            }
            total += length;
            end++;
            if (length < size) {
                break; // a shorter one can only be the last
            }
        }
        return end;
    }

    private static boolean sameRecipient(DatagramPacket a, DatagramPacket b) {
        InetSocketAddress to = a.recipient();
        return to == b.recipient() || to.equals(b.recipient());
    }

    private static DatagramPacket joined(List<DatagramPacket> batch, int start, int end) {
        ByteBuf[] parts = new ByteBuf[end - start];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = batch.get(start + k).content(); // the composite takes over each reference
        }
        DatagramPacket first = batch.get(start);
        return new SegmentedDatagramPacket(Unpooled.wrappedBuffer(parts.length, parts),
                first.content().readableBytes(), first.recipient());
    }

    /** After a segmented send: a refusal by the kernel turns segmentation off, with one line. */
    static void refusedOnce(Future<?> sent) {
        if (!sent.isSuccess() && sent.cause() instanceof io.netty.channel.unix.Errors.NativeIoException && !refused) {
            refused = true;
            LOG.warn("UDP viewers: the kernel refused a segmented send ({}); sending datagram by datagram from now on",
                    Errors.describe(sent.cause()));
        }
    }
}
