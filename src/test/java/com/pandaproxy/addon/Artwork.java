package com.pandaproxy.addon;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws the add-on's icon.png (128×128) and logo.png (250×100): a panda whose right eye patch
 * holds a camera lens. A program, not a test: run it after changing the drawing and commit the
 * images.
 *
 * <pre>java -cp target/test-classes com.pandaproxy.addon.Artwork .</pre>
 */
public final class Artwork {
    private static final Color GREEN_DARK = new Color(0x00, 0x8C, 0x35);
    private static final Color GREEN_LIGHT = new Color(0x2E, 0xC4, 0x5E);
    private static final Color INK = new Color(0x1C, 0x23, 0x26);
    private static final Color FUR = new Color(0xFA, 0xFA, 0xF7);
    private static final Color LENS = new Color(0x2F, 0x6F, 0xB5);

    private Artwork() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        ImageIO.write(icon(), "png", dir.resolve("icon.png").toFile());
        ImageIO.write(logo(), "png", dir.resolve("logo.png").toFile());
    }

    static BufferedImage icon() {
        BufferedImage image = new BufferedImage(128, 128, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = smooth(image);
        g.setPaint(new GradientPaint(0, 0, GREEN_LIGHT, 0, 128, GREEN_DARK));
        g.fill(new RoundRectangle2D.Double(0, 0, 128, 128, 30, 30));
        panda(g, 64, 68, 1.0);
        g.dispose();
        return image;
    }

    static BufferedImage logo() {
        BufferedImage image = new BufferedImage(250, 100, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = smooth(image);
        g.setPaint(new GradientPaint(0, 0, GREEN_LIGHT, 0, 96, GREEN_DARK));
        g.fill(new Ellipse2D.Double(2, 2, 96, 96));
        panda(g, 50, 54, 0.72);
        g.setColor(INK);
        g.setFont(fitted(g, "PandaProxy", Font.BOLD, 30, 138));
        g.drawString("Panda", 106, 52);
        g.setColor(GREEN_DARK);
        g.drawString("Proxy", 106 + g.getFontMetrics().stringWidth("Panda"), 52);
        g.setColor(INK);
        g.setFont(fitted(g, "printer camera, shared", Font.PLAIN, 13, 138));
        g.drawString("printer camera, shared", 107, 74);
        g.dispose();
        return image;
    }

    /** The panda head centred at (cx, cy); about 100 px wide at scale 1. */
    private static void panda(Graphics2D g, double cx, double cy, double scale) {
        AffineTransform saved = g.getTransform();
        g.translate(cx, cy);
        g.scale(scale, scale);
        g.setColor(INK);
        g.fill(circle(-33, -34, 15)); // ears
        g.fill(circle(33, -34, 15));
        g.setColor(FUR);
        g.fill(new Ellipse2D.Double(-46, -40, 92, 82)); // head
        g.setColor(INK);
        patch(g, -18, -4, 25);
        patch(g, 18, -4, -25);
        g.setColor(FUR);
        g.fill(circle(-17, -5, 5)); // the left eye
        g.setColor(INK);
        g.fill(circle(-16, -5, 2.6));
        // the right eye is a lens
        g.setColor(new Color(0x4A, 0x55, 0x5A));
        g.fill(circle(18, -5, 10));
        g.setColor(LENS);
        g.fill(circle(18, -5, 7));
        g.setColor(INK);
        g.fill(circle(18, -5, 3.5));
        g.setColor(new Color(255, 255, 255, 210));
        g.fill(circle(15.5, -7.5, 1.8));
        g.setColor(INK);
        g.fill(new Ellipse2D.Double(-7, 12, 14, 9)); // nose
        g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawArc(-8, 15, 8, 9, 200, 140); // mouth
        g.drawArc(0, 15, 8, 9, 200, 140);
        g.setTransform(saved);
    }

    private static void patch(Graphics2D g, double x, double y, double degrees) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(Math.toRadians(degrees));
        g.fill(new Ellipse2D.Double(-11, -15, 22, 30));
        g.setTransform(saved);
    }

    /** The largest font up to {@code size} in which the text fits the width (font metrics differ between systems). */
    private static Font fitted(Graphics2D g, String text, int style, int size, int width) {
        Font font = new Font(Font.SANS_SERIF, style, size);
        while (size > 8 && g.getFontMetrics(font).stringWidth(text) > width) {
            font = new Font(Font.SANS_SERIF, style, --size);
        }
        return font;
    }

    private static Ellipse2D circle(double x, double y, double r) {
        return new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
    }

    private static Graphics2D smooth(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }
}
