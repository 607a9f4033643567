package dev.kantor.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A vessel's satellite link, as a TCP proxy in front of the vessel brokers' uplink listener (which advertises the
 * proxy's address, so that no client bypasses it). Modes: {@code UP} forwards; {@code RESET} drops every connection
 * and refuses new ones at once (a link that fails loudly); {@code BLACKHOLE} accepts and forwards nothing (a link
 * that fails silently: clients wait for their timeouts; leaving it resets the connections it swallowed from);
 * {@code THROTTLE} forwards at most {@link #throttle} bytes a second per connection and direction (a satellite link). Toxiproxy does this elsewhere; there is none here.
 */
public final class LinkProxy implements AutoCloseable {

    /** What the link does to traffic. */
    public enum Mode { UP, RESET, BLACKHOLE, THROTTLE }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile Mode mode = Mode.UP;
    private volatile long throttle = 64 * 1024;
    private volatile boolean closed;

    public LinkProxy(int port, InetSocketAddress target) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.target = target;
        Thread acceptor = new Thread(this::accept, "link-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    /** Bytes forwarded so far, both ways. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Changes what the link does; RESET and BLACKHOLE also end what is in flight (reset, or silently). */
    public void mode(Mode next) {
        Mode previous = this.mode;
        this.mode = next;
        // Leaving a black hole resets what it swallowed from: those streams have holes, and must start again.
        if (next == Mode.RESET || previous == Mode.BLACKHOLE && next != Mode.BLACKHOLE) {
            open.forEach(LinkProxy::reset);
        }
    }

    public long throttleBytesPerSecond() {
        return throttle;
    }

    /** The throttle's bytes per second, each way (THROTTLE mode). */
    public void throttle(long bytesPerSecond) {
        this.throttle = Math.max(1, bytesPerSecond);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (mode == Mode.RESET) {
                    reset(client);
                    continue;
                }
                open.add(client);
                if (mode == Mode.RESET) {
                    open.remove(client);
                    reset(client); // the mode changed while it was being accepted
                    continue;
                }
                if (mode == Mode.BLACKHOLE) {
                    // Accepted, and never answered: what a client of a silently dead link sees.
                    pump(client, null, "blackhole");
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5000);
                } catch (IOException unreachable) {
                    open.remove(client);
                    reset(client);
                    continue;
                }
                open.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("link proxy: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? OutputStream.nullOutputStream() : to.getOutputStream();
                long windowStart = System.nanoTime();
                long windowBytes = 0;
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    Mode now = mode;
                    if (now == Mode.BLACKHOLE || now == Mode.RESET || to == null) {
                        continue; // swallowed: the other side hears nothing
                    }
                    if (now == Mode.THROTTLE) {
                        windowBytes += read;
                        long allowedNanos = windowBytes * 1_000_000_000L / throttle;
                        long elapsed = System.nanoTime() - windowStart;
                        if (allowedNanos > elapsed) {
                            Thread.sleep((allowedNanos - elapsed) / 1_000_000L);
                        }
                        if (elapsed > 1_000_000_000L) {
                            windowStart = System.nanoTime();
                            windowBytes = 0;
                        }
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                    forwarded.addAndGet(read);
                }
            } catch (IOException | InterruptedException ended) {
                // One side went away: so does the other.
            } finally {
                open.remove(from);
                close(from);
                if (to != null) {
                    open.remove(to);
                    close(to);
                }
            }
        }, "link-proxy-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with a TCP reset (SO_LINGER 0), as a link that fails loudly. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(LinkProxy::close);
    }
}
