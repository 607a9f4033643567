package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The link proxy against a real TCP echo server: each mode does to a connection what its name says. */
class LinkProxyTest {

    ServerSocket echo;
    LinkProxy link;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread t = new Thread(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException ended) {
                            // client gone
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        server.setDaemon(true);
        server.start();
        link = new LinkProxy(0, new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        link.close();
        echo.close();
    }

    @Test
    void upForwardsBothWays() throws IOException {
        try (Socket client = connect()) {
            assertArrayEquals("ping".getBytes(), roundTrip(client, "ping".getBytes()));
        }
    }

    @Test
    void aBlackHoleAcceptsAndAnswersNothingUntilTheLinkIsBack() throws IOException {
        link.mode(LinkProxy.Mode.BLACKHOLE);
        try (Socket client = connect()) {
            client.setSoTimeout(1000);
            client.getOutputStream().write("lost".getBytes());
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
        }
        link.mode(LinkProxy.Mode.UP);
        try (Socket client = connect()) {
            assertArrayEquals("back".getBytes(), roundTrip(client, "back".getBytes()));
        }
    }

    @Test
    void aResetDropsWhatIsOpenAndRefusesWhatComes() throws IOException {
        Socket open = connect();
        assertArrayEquals("a".getBytes(), roundTrip(open, "a".getBytes()));
        link.mode(LinkProxy.Mode.RESET);
        open.setSoTimeout(5000);
        assertThrows(IOException.class, () -> {
            open.getOutputStream().write("b".getBytes());
            if (open.getInputStream().read() < 0) {
                throw new IOException("closed");
            }
        });
        open.close();
        try (Socket refused = connect()) {
            refused.setSoTimeout(5000);
            assertThrows(IOException.class, () -> {
                refused.getOutputStream().write("c".getBytes());
                if (refused.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
        }
    }

    @Test
    void aThrottledLinkCarriesNoMoreThanItsRate() throws IOException {
        link.mode(LinkProxy.Mode.THROTTLE);
        link.throttle(100_000);
        byte[] payload = new byte[250_000];
        long started = System.nanoTime();
        try (Socket client = connect()) {
            assertArrayEquals(payload, roundTrip(client, payload));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // 250 KB each way at 100 KB/s: the echo cannot come back in under 2 s, whatever the machine.
        assertTrue(seconds >= 2.0, "throttled to 100 KB/s, yet done in " + seconds + " s");
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), link.port());
    }

    private static byte[] roundTrip(Socket socket, byte[] data) throws IOException {
        socket.setSoTimeout(30_000);
        Thread writer = new Thread(() -> {
            try {
                socket.getOutputStream().write(data);
                socket.getOutputStream().flush();
            } catch (IOException ignored) {
                // the reader fails too
            }
        });
        writer.start();
        InputStream in = socket.getInputStream();
        byte[] back = new byte[data.length];
        int at = 0;
        while (at < data.length) {
            int read = in.read(back, at, data.length - at);
            if (read < 0) {
                break;
            }
            at += read;
        }
        return java.util.Arrays.copyOf(back, at);
    }
}
