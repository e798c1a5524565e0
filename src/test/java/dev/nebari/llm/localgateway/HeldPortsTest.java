package dev.nebari.llm.localgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/**
 * A held port stays the gateway's between its processes' runs: nobody else binds it, while the gateway's own processes
 * (which bind with {@code SO_REUSEADDR}, as Envoy, Go's listeners and Redis do) listen on it again and again.
 */
class HeldPortsTest {

    @Test
    void aHeldPortIsRefusedToOthersWhileTheGatewaysOwnListenersComeAndGo() throws IOException {
        try (var held = new HeldPorts()) {
            var port = held.any();

            assertThatThrownBy(() -> plainBind(port)).as("a bind without SO_REUSEADDR").isInstanceOf(BindException.class);
            for (var run = 0; run < 2; run++) {
                try (var listener = reusingListener(port); var client = new Socket(InetAddress.getLoopbackAddress(), port);
                        var accepted = listener.accept()) {
                    assertThat(accepted.getPort()).as("run %d accepts", run).isEqualTo(client.getLocalPort());
                }
                assertThatThrownBy(() -> plainBind(port)).as("after run %d", run).isInstanceOf(BindException.class);
            }
            assertThat(LocalGateway.listening(port)).as("held, not listening").isFalse();
        }
    }

    @Test
    void aBindToPortZeroIsNeverGivenAHeldPort() throws IOException {
        try (var held = new HeldPorts()) {
            var ports = new HashSet<Integer>();
            for (var i = 0; i < 20; i++) {
                ports.add(held.any());
            }
            for (var i = 0; i < 2_000; i++) {
                try (var other = new ServerSocket()) {
                    other.setReuseAddress(true);
                    other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    assertThat(ports).doesNotContain(other.getLocalPort());
                }
            }
        }
    }

    @Test
    void closingReleasesThePortsAndAPortThatCannotBeHeldIsReturnedAllTheSame() throws IOException {
        int port;
        try (var held = new HeldPorts()) {
            port = held.any();
        }
        plainBind(port).close();

        try (var taken = plainBind(0); var held = new HeldPorts()) {
            assertThat(held.hold(taken.getLocalPort())).isEqualTo(taken.getLocalPort());
        }
    }

    private static ServerSocket plainBind(int port) throws IOException {
        var socket = new ServerSocket();
        socket.setReuseAddress(false);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static ServerSocket reusingListener(int port) throws IOException {
        var socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), port));
        return socket;
    }
}
