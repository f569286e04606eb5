package com.pandaproxy.sim;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * JPEG test pictures drawn in Java (headless): colour bars, a band of noise so the size is
 * like a camera's (about 100 KB at 1280×720), the time and a frame counter. Each JPEG carries
 * its frame number in a comment segment right after the JFIF header, so tests and
 * benchmarks can tell frames apart without decoding them.
 */
final class TestPattern {
    static final byte[] COMMENT_TAG = "PPSIM".getBytes(StandardCharsets.US_ASCII);
    private static final Color[] BARS = {Color.WHITE, Color.YELLOW, Color.CYAN, Color.GREEN, Color.MAGENTA, Color.RED, Color.BLUE};

    private final BufferedImage background;
    private final BufferedImage canvas;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    TestPattern(int width, int height) {
        background = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = background.createGraphics();
        for (int i = 0; i < BARS.length; i++) {
            g.setColor(BARS[i]);
            g.fillRect(i * width / BARS.length, 0, width / BARS.length + 1, height);
        }
        g.dispose();
        Random random = new Random(42);
        for (int y = height / 3; y < height / 2; y++) {
            for (int x = 0; x < width; x++) {
                background.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
    }

    /** The picture for frame {@code number}, stamped with {@code caption}, as JPEG bytes. */
    byte[] render(long number, String caption) {
        Graphics2D g = canvas.createGraphics();
        g.drawImage(background, 0, 0, null);
        int h = canvas.getHeight();
        g.setColor(Color.BLACK);
        g.fillRect(0, h * 5 / 6, canvas.getWidth(), h / 6);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.BOLD, Math.max(10, h / 14)));
        g.drawString("PandaProxy demo  " + caption + "  frame " + number, h / 40, h - h / 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        try {
            ImageIO.write(canvas, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stamp(out.toByteArray(), number);
    }

    /** Inserts (or rewrites) the comment segment carrying the frame number after the JFIF header. */
    static byte[] stamp(byte[] jpeg, long number) {
        int app0End = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        int payload = COMMENT_TAG.length + Long.BYTES;
        boolean stamped = number(jpeg) >= 0;
        int segment = 4 + payload;
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + (stamped ? 0 : segment));
        out.put(jpeg, 0, app0End);
        out.put((byte) 0xFF).put((byte) 0xFE).putShort((short) (2 + payload)).put(COMMENT_TAG).putLong(number);
        int rest = app0End + (stamped ? segment : 0);
        out.put(jpeg, rest, jpeg.length - rest);
        return out.array();
    }

    /** The frame number stamped in a simulator JPEG, or -1. */
    static long number(byte[] jpeg) {
        if (jpeg.length < 6) {
            return -1;
        }
        int at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        if (at + 4 + COMMENT_TAG.length + Long.BYTES > jpeg.length
                || (jpeg[at] & 0xff) != 0xFF || (jpeg[at + 1] & 0xff) != 0xFE) {
            return -1;
        }
        for (int i = 0; i < COMMENT_TAG.length; i++) {
            if (jpeg[at + 4 + i] != COMMENT_TAG[i]) {
                return -1;
            }
        }
        return ByteBuffer.wrap(jpeg, at + 4 + COMMENT_TAG.length, Long.BYTES).getLong();
    }
}
