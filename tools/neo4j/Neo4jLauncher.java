import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts an in-process Neo4j 5 Community with a Bolt connector on 127.0.0.1, for development
 * and tests, and keeps it running until the process is interrupted or terminated.
 *
 * <p>Settings come from the environment: {@code NEO4J_PORT} (Bolt port, default 7687; 0 picks a
 * free one), {@code NEO4J_DATA} (working folder, default {@code .neo4j/data}) and {@code
 * NEO4J_PAGECACHE} (page cache size such as {@code 512m}, default 512m). Authentication is off.
 *
 * <p>Each start makes a fresh database in a new random folder under the working folder; a clean
 * shutdown deletes that folder, so nothing persists between runs.
 *
 * <p>Prints exactly one line {@code neo4j: ready at bolt://HOST:PORT} once Bolt accepts
 * connections; scripts wait for that line.
 */
public final class Neo4jLauncher {
    private static final String HOST = "127.0.0.1";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(env("NEO4J_PORT", "7687"));
        Path workDir = Path.of(env("NEO4J_DATA", ".neo4j/data")).toAbsolutePath();
        String pageCache = env("NEO4J_PAGECACHE", "512m");

        Neo4j neo4j;
        try {
            Files.createDirectories(workDir);
            neo4j = Neo4jBuilders.newInProcessBuilder(workDir)
                    .withDisabledServer()
                    .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                    // A development server on a closed network: no usage reports, and no
                    // transaction log files reserved on disk ahead of use.
                    .withConfig(GraphDatabaseSettings.udc_enabled, false)
                    .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // Bolt's network threads otherwise idle 5 s (twice) before they stop, which
                    // makes every stop of a test server take over 10 s.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (RuntimeException | IOException e) {
            System.out.println("neo4j: failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j: stopping");
            neo4j.close();
            System.out.println("neo4j: stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        URI bolt = boltUri(neo4j, port);
        waitUntilAccepting(bolt);
        System.out.println("neo4j: ready at " + bolt);
        System.out.flush();
        stopped.await();
    }

    /** The Bolt address actually bound: with port 0 the server chose it. */
    private static URI boltUri(Neo4j neo4j, int requestedPort) {
        int bound = neo4j.boltURI().getPort();
        return URI.create("bolt://" + HOST + ":" + (bound > 0 ? bound : requestedPort));
    }

    /** The harness returns once Bolt is bound; this confirms a client can connect. */
    private static void waitUntilAccepting(URI bolt) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(bolt.getHost(), bolt.getPort()), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    System.out.println("neo4j: Bolt not accepting on " + bolt + ": " + e);
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
