package dev.rosetta.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MariaDB Connector/J against rosettad's MySQL port.  With useServerPrepStmts=true a
 * PreparedStatement is COM_STMT_PREPARE + COM_STMT_EXECUTE with binary rows; without it
 * the driver substitutes parameters into COM_QUERY text.  A fetch size makes the driver
 * read a result as a stream (Connector/J 3 has no COM_STMT_FETCH cursors).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MariaDbJdbcTest {
    static Rosettad server;

    @BeforeAll
    static void start() throws Exception {
        server = Rosettad.start();
    }

    @AfterAll
    static void stop() throws Exception {
        assertEquals(0, server.stop());
    }

    private static Connection connect(String params) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "demo");
        p.setProperty("password", "demo");
        return DriverManager.getConnection(server.mysqlUrl(params), p);
    }

    private static Connection prepared() throws SQLException {
        return connect("sslMode=trust&useServerPrepStmts=true");
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void connectsWithAndWithoutTls() throws Exception {
        for (String params : new String[] {"sslMode=trust", "sslMode=disable"}) {
            try (Connection c = connect(params); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertFalse(rs.next());
            }
        }
        Properties bad = new Properties();
        bad.setProperty("user", "demo");
        bad.setProperty("password", "wrong");
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(server.mysqlUrl("sslMode=trust"), bad).close());
        assertEquals(1045, e.getErrorCode());
    }

    @Test
    void everyTypeRoundTripsThroughServerPreparedStatements() throws Exception {
        try (Connection c = prepared()) {
            exec(c, "CREATE TABLE jtypes (id INT PRIMARY KEY, i INT, b BIGINT, d DOUBLE, n DECIMAL(10,2), "
                    + "v VARCHAR(50), t TEXT, bl BLOB, dt DATE, ts DATETIME, tm TIME, flag BOOLEAN)");
            byte[] blob = {0, 1, 2, (byte) 250, (byte) 255};
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jtypes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setInt(2, -7);
                ps.setLong(3, 9007199254740993L);
                ps.setDouble(4, 2.25);
                ps.setBigDecimal(5, new BigDecimal("12.50"));
                ps.setString(6, "héllo");
                ps.setString(7, "x".repeat(1000));
                ps.setBytes(8, blob);
                ps.setDate(9, Date.valueOf("2024-02-29"));
                ps.setTimestamp(10, Timestamp.valueOf("2024-02-29 13:14:15"));
                ps.setTime(11, Time.valueOf("13:14:15"));
                ps.setBoolean(12, true);
                assertEquals(1, ps.executeUpdate());
                ps.setInt(1, 2);
                for (int i = 2; i <= 12; i++) ps.setNull(i, Types.NULL);
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM jtypes WHERE id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(-7, rs.getInt("i"));
                    assertEquals(9007199254740993L, rs.getLong("b"));
                    assertEquals(2.25, rs.getDouble("d"));
                    assertEquals(0, new BigDecimal("12.5").compareTo(rs.getBigDecimal("n")));
                    assertEquals("héllo", rs.getString("v"));
                    assertEquals("x".repeat(1000), rs.getString("t"));
                    assertArrayEquals(blob, rs.getBytes("bl"));
                    assertEquals(Date.valueOf("2024-02-29"), rs.getDate("dt"));
                    assertEquals(Timestamp.valueOf("2024-02-29 13:14:15"), rs.getTimestamp("ts"));
                    assertEquals(Time.valueOf("13:14:15"), rs.getTime("tm"));
                    assertTrue(rs.getBoolean("flag"));
                    assertFalse(rs.next());
                }
                ps.setInt(1, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    for (int i = 2; i <= 12; i++) {
                        assertNull(rs.getObject(i), "column " + i);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM jtypes WHERE v = ? AND bl = ? AND b = ? AND dt = ? AND ts = ?")) {
                ps.setString(1, "héllo");
                ps.setBytes(2, blob);
                ps.setLong(3, 9007199254740993L);
                ps.setDate(4, Date.valueOf("2024-02-29"));
                ps.setTimestamp(5, Timestamp.valueOf("2024-02-29 13:14:15"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getLong(1));
                }
            }
        }
    }

    @Test
    void dmlReturnsUpdateCountsAndGeneratedKeys() throws Exception {
        try (Connection c = prepared()) {
            exec(c, "CREATE TABLE jdml (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), qty INT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdml (name, qty) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 20; i++) {
                    ps.setString(1, "n" + i);
                    ps.setInt(2, i);
                    assertEquals(1, ps.executeUpdate());
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertTrue(keys.next());
                        assertEquals(i + 1, keys.getLong(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE jdml SET qty = qty + 100 WHERE qty < ?")) {
                ps.setInt(1, 5);
                assertEquals(5, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jdml WHERE qty >= ?")) {
                ps.setInt(1, 15);
                assertEquals(10, ps.executeUpdate()); // 15..19 and the five moved to 100..104
            }
        }
    }

    @Test
    void aFetchSizeStreamsALargeResult() throws Exception {
        try (Connection c = prepared()) {
            exec(c, "CREATE TABLE jbig (x INT PRIMARY KEY)");
            exec(c, "INSERT INTO jbig WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 100000) "
                    + "SELECT x FROM s");
        }
        try (Connection c = prepared();
             PreparedStatement ps = c.prepareStatement("SELECT x, x * 2 FROM jbig WHERE x <= ? ORDER BY x")) {
            ps.setInt(1, 100000);
            ps.setFetchSize(1000);
            long n = 0, sum = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                    sum += rs.getLong(2);
                    assertEquals(n, rs.getLong(1));
                }
            }
            assertEquals(100000, n);
            assertEquals(100000L * 100001L, sum);
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws Exception {
        try (Connection c = prepared()) {
            exec(c, "CREATE TABLE jtxn (id INT PRIMARY KEY)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jtxn VALUES (?)")) {
                ps.setInt(1, 1);
                ps.executeUpdate();
                c.rollback();
                ps.setInt(1, 2);
                ps.executeUpdate();
                c.commit();
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM jtxn")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void errorsMapToTheirJdbcExceptions() throws Exception {
        for (String params : new String[] {"sslMode=trust&useServerPrepStmts=true", "sslMode=trust"}) {
            try (Connection c = connect(params)) {
                exec(c, "DROP TABLE IF EXISTS jerr");
                exec(c, "CREATE TABLE jerr (id INT PRIMARY KEY)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO jerr VALUES (?)")) {
                    ps.setInt(1, 1);
                    ps.executeUpdate();
                    SQLIntegrityConstraintViolationException dup =
                            assertThrows(SQLIntegrityConstraintViolationException.class, ps::executeUpdate);
                    assertEquals(1062, dup.getErrorCode());
                    assertEquals("23000", dup.getSQLState());
                }
                SQLSyntaxErrorException syntax = assertThrows(SQLSyntaxErrorException.class, () -> {
                    try (PreparedStatement ps = c.prepareStatement("SELEC ? FRM")) {
                        ps.setInt(1, 1);
                        ps.executeQuery();
                    }
                });
                assertEquals(1064, syntax.getErrorCode());
                SQLSyntaxErrorException missing = assertThrows(SQLSyntaxErrorException.class, () -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM jno_such_table WHERE id = ?")) {
                        ps.setInt(1, 1);
                        ps.executeQuery();
                    }
                });
                assertEquals(1146, missing.getErrorCode());
                assertEquals("42S02", missing.getSQLState());
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jerr")) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
            }
        }
    }

    @Test
    void authenticatesWithBothPlugins() throws Exception {
        // Connector/J always answers the greeting with mysql_native_password: the demo user has a
        // native verifier, so that is the plugin the other tests log in with.
        try (Connection c = connect("sslMode=trust"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            assertTrue(rs.next());
        }
        // A user with only a caching_sha2_password verifier gets an AuthSwitchRequest and
        // logs in through the driver's caching_sha2 plugin, over TLS and (RSA key) without.
        Rosettad sha2 = Rosettad.start(data -> {
            Path users = data.resolve("users");
            Files.writeString(users, Files.readString(users).replaceAll("\tmysql_native=[0-9a-fA-F]+", ""));
        });
        try {
            for (String params : new String[] {"sslMode=trust", "sslMode=disable&allowPublicKeyRetrieval=true"}) {
                Properties p = new Properties();
                p.setProperty("user", "demo");
                p.setProperty("password", "demo");
                try (Connection c = DriverManager.getConnection(sha2.mysqlUrl(params), p);
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
                p.setProperty("password", "wrong");
                SQLException e = assertThrows(SQLException.class,
                        () -> DriverManager.getConnection(sha2.mysqlUrl(params), p).close());
                assertEquals(1045, e.getErrorCode());
            }
        } finally {
            assertEquals(0, sha2.stop());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void a20MegabyteBlobRoundTrips() throws Exception {
        byte[] data = new byte[20 * 1024 * 1024];
        new Random(42).nextBytes(data);
        // server-side prepared (binary protocol) and client-side (the bytes escaped into COM_QUERY)
        for (String params : new String[] {"sslMode=trust&useServerPrepStmts=true", "sslMode=trust"}) {
            try (Connection c = connect(params)) {
                exec(c, "DROP TABLE IF EXISTS jblob");
                exec(c, "CREATE TABLE jblob (id INT PRIMARY KEY, b LONGBLOB)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO jblob VALUES (?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setBytes(2, data);
                    assertEquals(1, ps.executeUpdate());
                    ps.setInt(1, 2);
                    ps.setBinaryStream(2, new ByteArrayInputStream(data), data.length);
                    assertEquals(1, ps.executeUpdate());
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT b, LENGTH(b) FROM jblob WHERE id = ?")) {
                    for (int id = 1; id <= 2; id++) {
                        ps.setInt(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(data.length, rs.getLong(2));
                            assertArrayEquals(data, rs.getBytes(1));
                        }
                    }
                }
            }
        }
    }

    @Test
    void duplicateAndUnknownTableSpeakMySql8() throws Exception {
        try (Connection c = prepared()) {
            exec(c, "DROP TABLE IF EXISTS jdupmsg");
            exec(c, "CREATE TABLE jdupmsg (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)");
            exec(c, "INSERT INTO jdupmsg VALUES (1, 'x')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdupmsg VALUES (?, ?)")) {
                ps.setInt(1, 2);
                ps.setString(2, "x");
                SQLIntegrityConstraintViolationException e =
                        assertThrows(SQLIntegrityConstraintViolationException.class, ps::executeUpdate);
                assertTrue(e.getMessage().contains("Duplicate entry 'x' for key 'jdupmsg.code'"), e.getMessage());
            }
            SQLSyntaxErrorException drop = assertThrows(SQLSyntaxErrorException.class,
                    () -> exec(c, "DROP TABLE jno_such_table"));
            assertEquals(1051, drop.getErrorCode());
            assertEquals("42S02", drop.getSQLState());
        }
    }
}
