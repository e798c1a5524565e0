package dev.nebari.llm.localgateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports the local gateway's processes listen on, kept from the rest of the machine for the gateway's whole life.
 *
 * <p>Every aigw run stops Envoy and the rate-limit service and starts them again on the same ports, so between two runs
 * those ports are closed, and any program on the machine that binds port 0 may be given one of them (CI saw it: when
 * aigw started again, something else listened on the external listener's port). Each port here is held by a socket
 * bound with {@code SO_REUSEADDR} that never listens. The kernel then hands the port to no bind of port 0 and refuses
 * it to a bind without {@code SO_REUSEADDR}; Envoy, aigw, the rate-limit service, Redis and Prometheus all bind with
 * {@code SO_REUSEADDR} and still listen on it, since the holding socket is not listening.
 */
final class HeldPorts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeldPorts.class);

    private final List<Socket> sockets = new ArrayList<>();

    /** A free port, held from now on. */
    synchronized int any() {
        return hold(0);
    }

    /**
     * {@code port}, or a free one when it is 0, held from now on. A given port that cannot be held (something already
     * has it) is returned all the same: whoever starts a process on it then reports what is in the way.
     */
    synchronized int hold(int port) {
        var socket = new Socket();
        try {
            socket.setReuseAddress(true);
            // IPv4's wildcard address, as Envoy's listeners bind.
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), port));
            sockets.add(socket);
            return socket.getLocalPort();
        } catch (IOException e) {
            closeQuietly(socket);
            if (port == 0) {
                throw new UncheckedIOException("no free port to hold", e);
            }
            log.debug("Port {} cannot be held: {}", port, e.toString());
            return port;
        }
    }

    @Override
    public synchronized void close() {
        sockets.forEach(HeldPorts::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing a held port: {}", e.toString());
        }
    }
}
