package dev.kantor.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * p50 and p99 latency against the offered rate, one line pair per system, as a PNG: what a reader of the README would
 * rather look at than a table. Both axes logarithmic (rates from hundreds to tens of thousands; latencies from
 * milliseconds to seconds). Plain AWT, headless: no plotting library for one picture.
 */
final class LatencyPlot {

    /** One measured point: the rate offered (requests a second) and the latencies in milliseconds. */
    record Point(double offered, double p50, double p99) {
    }

    private final Map<String, List<Point>> series = new LinkedHashMap<>();

    void add(String system, Point point) {
        series.computeIfAbsent(system, s -> new ArrayList<>()).add(point);
    }

    void write(Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 960;
        int height = 560;
        int left = 80;
        int right = 230;
        int top = 50;
        int bottom = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double minRate = series.values().stream().flatMap(List::stream).mapToDouble(Point::offered).filter(r -> r > 0).min().orElse(100);
        double maxRate = series.values().stream().flatMap(List::stream).mapToDouble(Point::offered).max().orElse(10_000);
        double minMs = 1;
        double maxMs = Math.max(10, series.values().stream().flatMap(List::stream).mapToDouble(Point::p99).max().orElse(1000));
        double x0 = Math.log10(minRate) - 0.1;
        double x1 = Math.log10(maxRate) + 0.1;
        double y0 = Math.log10(minMs);
        double y1 = Math.ceil(Math.log10(maxMs));
        java.util.function.DoubleUnaryOperator x = rate -> left + (Math.log10(rate) - x0) / (x1 - x0) * (width - left - right);
        java.util.function.DoubleUnaryOperator y = ms -> height - bottom - (Math.log10(Math.max(ms, minMs)) - y0) / (y1 - y0) * (height - top - bottom);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xEAEEF2));
        for (double decade = y0; decade <= y1; decade++) {
            int line = (int) y.applyAsDouble(Math.pow(10, decade));
            g.drawLine(left, line, width - right, line);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(left, top, left, height - bottom);
        g.drawLine(left, height - bottom, width - right, height - bottom);
        for (double decade = y0; decade <= y1; decade++) {
            double ms = Math.pow(10, decade);
            g.drawString(ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms", 20, (int) y.applyAsDouble(ms) + 4);
        }
        series.values().stream().flatMap(List::stream).mapToDouble(Point::offered).distinct().sorted().forEach(rate -> {
            int at = (int) x.applyAsDouble(rate);
            g.drawLine(at, height - bottom, at, height - bottom + 5);
            g.drawString(String.format("%,.0f/s", rate), at - 20, height - bottom + 20);
        });
        g.drawString("offered rate (requests a second, log)", left + 150, height - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 30);

        Color[] colours = {new Color(0x1F6FEB), new Color(0xD1242F), new Color(0x1A7F37), new Color(0x8250DF)};
        int legend = top + 10;
        int index = 0;
        for (Map.Entry<String, List<Point>> system : series.entrySet()) {
            Color colour = colours[index++ % colours.length];
            List<Point> points = system.getValue().stream().sorted(java.util.Comparator.comparingDouble(Point::offered)).toList();
            for (boolean p99 : new boolean[] {false, true}) {
                g.setColor(colour);
                g.setStroke(p99 ? new BasicStroke(2.5f) : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 5f}, 0f));
                for (int i = 0; i < points.size(); i++) {
                    Point point = points.get(i);
                    int px = (int) x.applyAsDouble(point.offered());
                    int py = (int) y.applyAsDouble(p99 ? point.p99() : point.p50());
                    g.fillOval(px - 4, py - 4, 8, 8);
                    if (i > 0) {
                        Point before = points.get(i - 1);
                        g.drawLine((int) x.applyAsDouble(before.offered()), (int) y.applyAsDouble(p99 ? before.p99() : before.p50()), px, py);
                    }
                }
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawLine(width - right + 15, legend, width - right + 45, legend);
                g.setColor(Color.DARK_GRAY);
                g.drawString(system.getKey() + (p99 ? " p99" : " p50"), width - right + 50, legend + 4);
                legend += 20;
            }
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
        System.out.println("plot written to " + png);
    }
}
