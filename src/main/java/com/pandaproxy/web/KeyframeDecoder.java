package com.pandaproxy.web;

import com.pandaproxy.printer.H264Keyframe;
import java.awt.Point;
import java.awt.image.BandedSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.io.model.Frame;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Rect;
import org.jcodec.common.model.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One H.264 keyframe to one JPEG, in pure Java: JCodec decodes it to YUV 4:2:0, and the JDK's
 * JPEG writer encodes the YUV planes as they are (a JPEG is YCbCr too), read through a view
 * (no RGB copy of the picture: a 1080p keyframe needs the decoder's ~9 MB and little more).
 * One decoder and its picture buffers are kept from keyframe to keyframe; its owner drops it
 * when nobody has asked for a while ({@link Snapshots}).
 */
public final class KeyframeDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(KeyframeDecoder.class);
    /** Larger pictures are refused: no printer camera sends them, and they would not fit the image's heap. */
    static final int MAX_WIDTH = 2560;
    static final int MAX_HEIGHT = 1920;
    static final float QUALITY = 0.8f;

    static {
        // JCodec prints its warnings to stdout unless it has a sink of its own: ours sends them to debug
        org.jcodec.common.logging.Logger.addSink(m -> LOG.debug("JCodec: {}", m.getMessage()));
    }

    /** A decoder for one camera's keyframes; not thread-safe. */
    public KeyframeDecoder() {
    }

    // kept from one keyframe to the next (the same size each time): little garbage per picture
    private H264Decoder decoder;
    private byte[][] planes;

    /** The keyframe as a JPEG; an IOException (one sentence) when it cannot be decoded. */
    public byte[] jpeg(H264Keyframe keyframe) throws IOException {
        List<ByteBuffer> nals = new ArrayList<>();
        ByteBuffer sps = null;
        for (byte[] nal : keyframe.nals()) {
            // copies: JCodec removes emulation-prevention bytes in place
            nals.add(ByteBuffer.wrap(nal.clone()));
            if (sps == null && nal.length > 0 && (nal[0] & 0x1F) == 7) {
                sps = annexB(nal);
            }
        }
        if (sps == null) {
            throw new IOException("the keyframe has no sequence parameter set");
        }
        Frame frame;
        try {
            if (decoder == null) {
                decoder = singleThreaded(new H264Decoder());
            }
            Size size = decoder.getCodecMeta(sps).getSize();
            int width = (size.getWidth() + 15) & ~15;
            int height = (size.getHeight() + 15) & ~15;
            if (width <= 0 || height <= 0 || width > MAX_WIDTH || height > MAX_HEIGHT) {
                throw new IOException("picture size " + size.getWidth() + "x" + size.getHeight() + " out of range");
            }
            if (planes == null || planes[0].length != width * height) {
                planes = null;
                ensureHeap(width, height);
                planes = new byte[][] {new byte[width * height], new byte[width * height / 4], new byte[width * height / 4]};
            }
            frame = decoder.decodeFrameFromNals(nals, planes);
        } catch (RuntimeException e) {
            decoder = null; // a fresh one next time
            throw new IOException("H.264 decoding failed: " + e, e);
        }
        if (frame == null || frame.getColor() != ColorSpace.YUV420 && frame.getColor() != ColorSpace.YUV420J) {
            throw new IOException("H.264 decoding gave no 4:2:0 picture");
        }
        try {
            return encode(frame);
        } catch (RuntimeException e) { // e.g. a crop outside the picture, from a damaged SPS
            throw new IOException("JPEG encoding failed: " + e, e);
        }
    }

    /**
     * Refuses a picture the heap cannot hold: the image's JVM exits on OutOfMemoryError (so the
     * container restarts), which a snapshot must never cause. JCodec keeps the picture and a copy
     * as reference, plus per-macroblock data: about 4 bytes per pixel (8.4 MB at 1080p).
     */
    private static void ensureHeap(int width, int height) throws IOException {
        long need = 4L * width * height + (1 << 20);
        Runtime r = Runtime.getRuntime();
        if (r.maxMemory() - (r.totalMemory() - r.freeMemory()) < need) {
            System.gc(); // at most once a second (Snapshots), and only when the heap looks full
            if (r.maxMemory() - (r.totalMemory() - r.freeMemory()) < need) {
                throw new IOException("not enough heap to decode a " + width + "x" + height + " picture ("
                        + need / (1 << 20) + " MB needed; the JVM's -Xmx is " + r.maxMemory() / (1 << 20) + " MB)");
            }
        }
    }

    private static ByteBuffer annexB(byte[] nal) {
        ByteBuffer b = ByteBuffer.allocate(nal.length + 4);
        b.putInt(1).put(nal).flip();
        return b;
    }

    /**
     * JCodec's decoder starts a thread pool per instance (never stopped) when it runs threaded;
     * single-threaded it starts none, so a decoder can be made per keyframe and forgotten.
     */
    private static H264Decoder singleThreaded(H264Decoder decoder) throws IOException {
        try {
            Field threaded = H264Decoder.class.getDeclaredField("threaded");
            threaded.setAccessible(true);
            threaded.setBoolean(decoder, false);
            return decoder;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("this JCodec cannot decode single-threaded: " + e);
        }
    }

    private static byte[] encode(Frame frame) throws IOException {
        Rect crop = frame.getCrop();
        int x0 = crop == null ? 0 : crop.getX();
        int y0 = crop == null ? 0 : crop.getY();
        int w = crop == null ? frame.getWidth() : crop.getWidth();
        int h = crop == null ? frame.getHeight() : crop.getHeight();
        boolean fullRange = frame.getColor() == ColorSpace.YUV420J;
        Raster raster = Raster.createRaster(new BandedSampleModel(DataBuffer.TYPE_BYTE, w, h, 3),
                new YuvView(frame, x0, y0, w, h, fullRange), new Point(0, 0));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(w * h / 8);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            // a raster is written as it is: three bands are taken as Y, Cb and Cr
            writer.write(null, new IIOImage(raster, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * The decoded planes as three full-size bands of full-range Y, Cb and Cr (JFIF's), computed
     * per sample as the JPEG writer reads them. JCodec's samples are stored minus 128.
     */
    private static final class YuvView extends DataBuffer {
        private final byte[] y;
        private final byte[] u;
        private final byte[] v;
        private final int lumaStride;
        private final int chromaStride;
        private final int x0;
        private final int y0;
        private final int width;
        private final byte[] lumaMap = new byte[256];
        private final byte[] chromaMap = new byte[256];

        YuvView(Frame frame, int x0, int y0, int width, int height, boolean fullRange) {
            super(DataBuffer.TYPE_BYTE, width * height, 3);
            this.y = frame.getPlaneData(0);
            this.u = frame.getPlaneData(1);
            this.v = frame.getPlaneData(2);
            this.lumaStride = frame.getPlaneWidth(0);
            this.chromaStride = frame.getPlaneWidth(1);
            this.x0 = x0;
            this.y0 = y0;
            this.width = width;
            for (int i = 0; i < 256; i++) {
                // BT.601 video range (Y 16-235, C 16-240) to JPEG's full range, unless already full
                lumaMap[i] = (byte) (fullRange ? i : clamp(Math.round((i - 16) * 255 / 219f)));
                chromaMap[i] = (byte) (fullRange ? i : clamp(Math.round((i - 128) * 255 / 224f) + 128));
            }
        }

        private static int clamp(int value) {
            return Math.max(0, Math.min(255, value));
        }

        @Override
        public int getElem(int bank, int i) {
            int row = y0 + i / width;
            int col = x0 + i % width;
            return switch (bank) {
                case 0 -> lumaMap[y[row * lumaStride + col] + 128] & 0xFF;
                case 1 -> chromaMap[u[(row >> 1) * chromaStride + (col >> 1)] + 128] & 0xFF;
                default -> chromaMap[v[(row >> 1) * chromaStride + (col >> 1)] + 128] & 0xFF;
            };
        }

        @Override
        public void setElem(int bank, int i, int value) {
            throw new UnsupportedOperationException("read-only");
        }
    }
}
