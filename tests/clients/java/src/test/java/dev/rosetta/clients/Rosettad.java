package dev.rosetta.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real rosettad for one test class, started as tests/clients/conftest.py does:
 * {@code rosettad init} into a fresh temp dir, {@code rosettad serve} on a free loopback
 * port, wait for the stdout line containing "ready".  {@link #stop()} sends SIGTERM and
 * returns the exit code; it fails on a sanitizer report in the log.
 *
 * The binary is $ROSETTAD (the Makefile points it at the sanitizer build), else
 * build/release/rosettad found from the working directory upwards.
 */
final class Rosettad {
    private static final String[] LISTENERS = {"pg", "mysql", "tds", "drda", "tns", "https", "http", "unified"};

    final Path dir;
    final Path log;
    final int pgPort;
    final int mysqlPort;
    private Process proc;

    private Rosettad(Path dir, int pgPort, int mysqlPort) {
        this.dir = dir;
        this.log = dir.resolve("server.log");
        this.pgPort = pgPort;
        this.mysqlPort = mysqlPort;
    }

    static Path binary() {
        String env = System.getenv("ROSETTAD");
        if (env != null && !env.isEmpty()) return Path.of(env);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("build/release/rosettad");
            if (Files.isExecutable(candidate)) return candidate;
        }
        throw new IllegalStateException("set ROSETTAD to the rosettad binary");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** init a fresh data directory with user demo/demo and serve it; returns once "ready". */
    static Rosettad start() throws Exception {
        return start(data -> { });
    }

    /** What a test changes in the data directory between init and serve. */
    interface DataSetup {
        void apply(Path data) throws Exception;
    }

    /** As start(), with `setup` run on the data directory before the server starts. */
    static Rosettad start(DataSetup setup) throws Exception {
        Path dir = Files.createTempDirectory("rosetta-java-");
        String bin = binary().toString();
        Process init = new ProcessBuilder(bin, "init", "--data", dir.resolve("data").toString(),
                "--user", "demo", "--password", "demo")
                .redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile()).start();
        if (!init.waitFor(30, TimeUnit.SECONDS) || init.exitValue() != 0)
            throw new IllegalStateException("rosettad init failed: " + Files.readString(dir.resolve("init.log")));
        setup.apply(dir.resolve("data"));
        Rosettad srv = new Rosettad(dir, freePort(), freePort());
        srv.serve();
        return srv;
    }

    private void serve() throws Exception {
        List<String> args = new ArrayList<>(List.of(binary().toString(), "serve", "--data", dir.resolve("data").toString(),
                "--listen", "127.0.0.1", "--threads", "2"));
        for (String name : LISTENERS) {
            args.add("--" + name + "-port");
            args.add(name.equals("pg") ? Integer.toString(pgPort) : name.equals("mysql") ? Integer.toString(mysqlPort) : "0");
        }
        proc = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) if (line.contains("ready")) return true;
            } catch (IOException ignored) {
                // the process went away; reported below
            }
            return false;
        });
        boolean ok;
        try {
            ok = ready.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ok = false;
        }
        if (!ok) {
            proc.destroyForcibly();
            throw new IllegalStateException("rosettad did not become ready:\n" + readLog());
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) { /* discard */ }
            } catch (IOException ignored) {
                // closed at exit
            }
        }, "rosettad-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    String url(String extra) {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/demo" + (extra.isEmpty() ? "" : "?" + extra);
    }

    /** A connection as demo/demo over TLS without certificate checks (sslmode=require). */
    Connection connect() throws SQLException {
        return connect("sslmode=require");
    }

    Connection connect(String params) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "demo");
        p.setProperty("password", "demo");
        return DriverManager.getConnection(url(params), p);
    }

    /** A MariaDB Connector/J URL for the MySQL port (database demo); `extra` is "k=v&k=v". */
    String mysqlUrl(String extra) {
        return "jdbc:mariadb://127.0.0.1:" + mysqlPort + "/demo" + (extra.isEmpty() ? "" : "?" + extra);
    }

    Process process() {
        return proc;
    }

    /** SIGTERM; returns the exit code.  Throws on a hang or a sanitizer report. */
    int stop() throws Exception {
        proc.destroy(); // SIGTERM
        if (!proc.waitFor(20, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("rosettad did not stop on SIGTERM\n" + readLog());
        }
        String text = readLog();
        if (text.contains("AddressSanitizer") || text.contains("runtime error:")) throw new AssertionError(text);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return proc.exitValue();
    }
}
