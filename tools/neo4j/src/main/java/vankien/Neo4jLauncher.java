package vankien;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community 5.26 embedded, reachable only over Bolt on 127.0.0.1.
 *
 * <p>Usage: {@code Neo4jLauncher [--port N] [--data-dir DIR] [--pagecache SIZE] [--auth]}
 *
 * <p>Prints {@code READY bolt://127.0.0.1:PORT} on stdout once Bolt accepts connections and
 * shuts the DBMS down cleanly on SIGTERM/SIGINT (JVM shutdown hook). With {@code --auth} the
 * initial password of user {@code neo4j} is read from the environment variable
 * {@value #PASSWORD_ENV}, never from the command line: argv is visible to every user in
 * {@code ps}, a process's environment is not. The password is never printed.
 */
public final class Neo4jLauncher {
    static final String PASSWORD_ENV = "KG_NEO4J_INITIAL_PASSWORD";
    static final String HOST = "127.0.0.1";

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        int port = intOr(System.getenv("KG_NEO4J_PORT"), BoltConnector.DEFAULT_PORT);
        Path dataDir = Path.of(envOr("KG_NEO4J_DATA_DIR", "data/neo4j/store"));
        String pagecache = "256m";
        boolean auth = false;

        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = intOr(value(args, ++i, "--port"), port);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "--pagecache" -> pagecache = value(args, ++i, "--pagecache");
                case "--auth" -> auth = true;
                case "-h", "--help" -> {
                    System.out.println("usage: Neo4jLauncher [--port N] [--data-dir DIR] [--pagecache SIZE] [--auth]\n"
                            + "  --auth  require authentication; initial password of user neo4j from $" + PASSWORD_ENV);
                    return;
                }
                default -> die("unknown argument: " + args[i]);
            }
        }

        String password = null;
        if (auth) {
            password = System.getenv(PASSWORD_ENV);
            if (password == null || password.isEmpty()) {
                die("--auth needs the initial password in $" + PASSWORD_ENV);
            }
            if (password.length() < 8) { // Neo4j 5's default dbms.security.auth_minimum_password_length
                die("the initial password must be at least 8 characters long");
            }
        }

        Path home = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            die("cannot create data directory " + home + ": " + e.getMessage());
        }

        long started = System.nanoTime();
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    // Embedded has no web server, but say so explicitly: Bolt is the only door.
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    // No usage reports phoned home: this machine talks to nobody.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Sized for a 2-core 24 GiB machine whose JVM heap is ~1 GiB; the page cache
                    // lives off-heap.
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                    // Preallocating 256 MiB transaction logs costs disk in every test dir.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    // Netty waits a 5 s quiet period per event-loop group (10 s in all) before
                    // Bolt stops; clients are gone by then, so stop at once.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    // Neo4j's user-facing log (start-up problems, e.g. a taken port) on stdout,
                    // which the Python side sends to the launcher's log file.
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .build();
        } catch (RuntimeException e) {
            System.err.println("ERROR: Neo4j failed to start: " + rootMessage(e));
            e.printStackTrace();
            System.exit(2);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            System.out.flush();
            try {
                dbms.shutdown(); // flushes the page cache and checkpoints: the store reopens cleanly
                System.out.println("STOPPED");
            } catch (RuntimeException e) {
                System.err.println("ERROR: shutdown failed: " + rootMessage(e));
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        try {
            if (auth) {
                setInitialPassword(dbms, password);
            }
            // Bolt is bound during build(); a query proves the default database is online too.
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        } catch (RuntimeException e) {
            System.err.println("ERROR: Neo4j started but is not usable: " + rootMessage(e));
            e.printStackTrace();
            System.exit(3); // runs the shutdown hook
        }

        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("Neo4j " + org.neo4j.kernel.internal.Version.getNeo4jVersion()
                + " started in " + ms + " ms; store " + home + "; auth " + (auth ? "on" : "off"));
        System.out.println("READY bolt://" + HOST + ":" + port);
        System.out.flush();

        try {
            stopped.await(); // woken only by the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Community keeps users in the system database; the built-in user neo4j starts with password
     * "neo4j" and must change it. Setting it here, before READY, means clients never see that state.
     * The password is set at every start with --auth, so the one given last wins.
     */
    private static void setInitialPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Restarting a store with the password it already has is fine, not an error.
            if (!String.valueOf(rootMessage(e)).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            sb.append(" <- ").append(t.getMessage());
        }
        return sb.toString();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            die(flag + " needs a value");
        }
        return args[i];
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static int intOr(String v, int dflt) {
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int port = Integer.parseInt(v.trim());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        die("not a port number: " + v);
        return dflt;
    }

    private static void die(String message) {
        System.err.println("ERROR: " + message);
        System.exit(64);
    }
}
