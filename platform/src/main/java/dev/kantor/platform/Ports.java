package dev.kantor.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port checks: fail fast when something else already listens where a part must. */
public final class Ports {

    private Ports() {
    }

    public static void requireFree(int port, String purpose) {
        if (!free(port)) {
            throw new PlatformException("port " + port + " on 127.0.0.1 (" + purpose + ") is already in use: "
                    + "stop what holds it (e.g. `ss -ltnp 'sport = :" + port + "'`) or choose another port (see README)");
        }
    }

    public static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
