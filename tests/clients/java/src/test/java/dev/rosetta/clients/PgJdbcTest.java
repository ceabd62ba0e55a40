package dev.rosetta.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL JDBC (pgjdbc) against one rosettad.  pgjdbc uses the extended protocol for
 * everything: unnamed statements at first, named server-side statements (S_n) from the
 * fifth execution of the same PreparedStatement (prepareThreshold), Execute row limits
 * with a fetch size when autocommit is off, and binary results for some types.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PgJdbcTest {
    static Rosettad server;

    @BeforeAll
    static void start() throws Exception {
        server = Rosettad.start();
    }

    @AfterAll
    static void stop() throws Exception {
        assertEquals(0, server.stop());
    }

    private static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static String sqlState(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        });
        return e.getSQLState();
    }

    @Test
    void connectsWithSslRequireDisableAndDefault() throws Exception {
        for (String params : new String[] {"sslmode=require", "sslmode=disable", "", "sslmode=prefer"}) {
            try (Connection c = server.connect(params)) {
                assertEquals(1, scalarLong(c, "SELECT 1"), params);
                assertTrue(c.isValid(5));
            }
        }
        assertTrue(server.readLog().contains("tls=TLSv1"), "at least one login was over TLS");
        assertTrue(server.readLog().contains("tls=off"), "and one in the clear");
    }

    @Test
    void wrongPasswordIs28P01() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "demo");
        p.setProperty("password", "wrong");
        SQLException e = assertThrows(SQLException.class,
                () -> java.sql.DriverManager.getConnection(server.url("sslmode=require"), p).close());
        assertEquals("28P01", e.getSQLState());
    }

    @Test
    void selectOne() throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
            assertFalse(rs.next());
        }
    }

    @Test
    void preparedStatementParametersOfEveryType() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ps_types (i integer, b bigint, f double precision, t text, ok boolean, n text)");
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO ps_types VALUES (?, ?, ?, ?, ?, ?)")) {
                ins.setInt(1, 42);
                ins.setLong(2, 9_000_000_000L);
                ins.setDouble(3, -2.5);
                ins.setString(4, "it's ünïcode");
                ins.setBoolean(5, true);
                ins.setNull(6, Types.VARCHAR);
                assertEquals(1, ins.executeUpdate());
                ins.setInt(1, -1);
                ins.setLong(2, Long.MIN_VALUE);
                ins.setDouble(3, 1e300);
                ins.setString(4, "");
                ins.setBoolean(5, false);
                ins.setString(6, null);
                assertEquals(1, ins.executeUpdate());
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT i, b, f, t, ok, n FROM ps_types WHERE i = ? AND b = ? AND f = ? AND t = ? AND ok = ?")) {
                q.setInt(1, 42);
                q.setLong(2, 9_000_000_000L);
                q.setDouble(3, -2.5);
                q.setString(4, "it's ünïcode");
                q.setBoolean(5, true);
                try (ResultSet rs = q.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt("i"));
                    assertEquals(9_000_000_000L, rs.getLong("b"));
                    assertEquals(-2.5, rs.getDouble("f"));
                    assertEquals("it's ünïcode", rs.getString("t"));
                    assertTrue(rs.getBoolean("ok"));
                    assertNull(rs.getString("n"));
                    assertTrue(rs.wasNull());
                    assertEquals(Integer.class, rs.getObject("i").getClass());
                    assertEquals(Long.class, rs.getObject("b").getClass());
                    assertEquals(Double.class, rs.getObject("f").getClass());
                    assertEquals(Boolean.class, rs.getObject("ok").getClass());
                    assertFalse(rs.next());
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT b, f FROM ps_types WHERE i = -1")) {
                assertTrue(rs.next());
                assertEquals(Long.MIN_VALUE, rs.getLong(1));
                assertEquals(1e300, rs.getDouble(2));
            }
        }
    }

    @Test
    void serverSidePreparedStatementAfterPrepareThreshold() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ps_reuse (id integer PRIMARY KEY, v text)");
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO ps_reuse VALUES (?, ?)");
                 PreparedStatement sel = c.prepareStatement("SELECT v FROM ps_reuse WHERE id = ?")) {
                for (int i = 1; i <= 12; i++) { // past prepareThreshold (5): named S_n statements
                    ins.setInt(1, i);
                    ins.setString(2, "v" + i);
                    assertEquals(1, ins.executeUpdate());
                    sel.setInt(1, i);
                    try (ResultSet rs = sel.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals("v" + i, rs.getString(1));
                    }
                }
            }
        }
    }

    @Test
    void executeBatch() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE batch (id integer PRIMARY KEY, name text)");
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO batch VALUES (?, ?)")) {
                for (int i = 0; i < 200; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "n" + i);
                    ins.addBatch();
                }
                int[] counts = ins.executeBatch();
                assertEquals(200, counts.length);
                for (int n : counts) assertEquals(1, n);
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("UPDATE batch SET name = 'x' WHERE id < 10");
                s.addBatch("DELETE FROM batch WHERE id >= 190");
                assertArrayEquals(new int[] {10, 10}, s.executeBatch());
            }
            assertEquals(190, scalarLong(c, "SELECT count(*) FROM batch"));
        }
    }

    @Test
    void executeBatchWithReWriteBatchedInserts() throws Exception {
        try (Connection c = server.connect("sslmode=require&reWriteBatchedInserts=true")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE batch_rw (id integer PRIMARY KEY, name text)");
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO batch_rw VALUES (?, ?)")) {
                for (int i = 0; i < 100; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "n" + i);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            assertEquals(100, scalarLong(c, "SELECT count(*) FROM batch_rw"));
        }
    }

    @Test
    void transactionsCommitAndRollback() throws Exception {
        try (Connection a = server.connect(); Connection b = server.connect("sslmode=disable")) {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE tx (id integer PRIMARY KEY)");
            }
            a.setAutoCommit(false);
            try (Statement s = a.createStatement()) {
                s.executeUpdate("INSERT INTO tx VALUES (1)");
                assertEquals(0, scalarLong(b, "SELECT count(*) FROM tx"), "uncommitted work is invisible");
                a.commit();
                assertEquals(1, scalarLong(b, "SELECT count(*) FROM tx"));
                s.executeUpdate("INSERT INTO tx VALUES (2)");
                assertEquals(2, scalarLong(a, "SELECT count(*) FROM tx"));
                a.rollback();
                assertEquals(1, scalarLong(a, "SELECT count(*) FROM tx"));
                // A failed statement aborts the transaction until rollback.
                assertEquals("23505", sqlState(a, "INSERT INTO tx VALUES (1)"));
                assertEquals("25P02", sqlState(a, "SELECT 1"));
                a.rollback();
                assertEquals(1, scalarLong(a, "SELECT count(*) FROM tx"));
                // Savepoints through the JDBC API.
                s.executeUpdate("INSERT INTO tx VALUES (3)");
                java.sql.Savepoint sp = a.setSavepoint();
                s.executeUpdate("INSERT INTO tx VALUES (4)");
                a.rollback(sp);
                a.commit();
            }
            a.setAutoCommit(true);
            assertEquals(2, scalarLong(b, "SELECT count(*) FROM tx"));
            a.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            a.setAutoCommit(false);
            assertEquals(2, scalarLong(a, "SELECT count(*) FROM tx"));
            try (Statement s = b.createStatement()) {
                s.executeUpdate("INSERT INTO tx VALUES (5)");
            }
            assertEquals(2, scalarLong(a, "SELECT count(*) FROM tx"), "REPEATABLE READ keeps its snapshot");
            a.commit();
            assertEquals(3, scalarLong(a, "SELECT count(*) FROM tx"));
        }
    }

    @Test
    void errorSqlStates() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE errs (id integer PRIMARY KEY, name text NOT NULL)");
                s.execute("INSERT INTO errs VALUES (1, 'a')");
            }
            assertEquals("23505", sqlState(c, "INSERT INTO errs VALUES (1, 'b')"));
            assertEquals("42P01", sqlState(c, "SELECT * FROM no_such_table"));
            assertEquals("42601", sqlState(c, "SELEC 1"));
            assertEquals("22012", sqlState(c, "SELECT 1/0"));
            assertEquals("42703", sqlState(c, "SELECT nosuch FROM errs"));
            assertEquals("23502", sqlState(c, "INSERT INTO errs (id) VALUES (2)"));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO errs VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "dup");
                assertEquals("23505", assertThrows(SQLException.class, ps::executeUpdate).getSQLState());
            }
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM no_such_table");
                }
            });
            assertTrue(e.getMessage().contains("relation \"no_such_table\" does not exist"), e.getMessage());
            assertEquals(1, scalarLong(c, "SELECT count(*) FROM errs"), "the connection goes on");
        }
    }

    @Test
    void arrayColumnsThroughSetArrayAndGetArray() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE arr_jdbc (id integer PRIMARY KEY, ints integer[], tags text[])");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO arr_jdbc VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setArray(2, c.createArrayOf("integer", new Integer[] {1, null, 3}));
                ps.setArray(3, c.createArrayOf("text", new String[] {"a", "b c", ""}));
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ints, tags FROM arr_jdbc WHERE ? = ANY(ints)")) {
                ps.setInt(1, 3);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("_int4", rs.getMetaData().getColumnTypeName(1));
                    assertEquals(Types.ARRAY, rs.getMetaData().getColumnType(1));
                    assertArrayEquals(new Integer[] {1, null, 3}, (Integer[]) rs.getArray(1).getArray());
                    assertArrayEquals(new String[] {"a", "b c", ""}, (String[]) rs.getArray(2).getArray());
                    assertFalse(rs.next());
                }
            }
        }
    }

    @Test
    void resultSetMetaDataColumnTypes() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE meta (i integer, b bigint, f double precision, t text, ok boolean, s smallint, v varchar(20))");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT i, b, f, t, ok, s, v, count(*) OVER () AS n FROM meta");
                 ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals(8, md.getColumnCount());
                String[] names = {"i", "b", "f", "t", "ok", "s", "v", "n"};
                int[] types = {Types.INTEGER, Types.BIGINT, Types.DOUBLE, Types.VARCHAR, Types.BIT, Types.SMALLINT,
                    Types.VARCHAR, Types.BIGINT};
                String[] pgNames = {"int4", "int8", "float8", "text", "bool", "int2", "varchar", "int8"};
                for (int k = 0; k < names.length; k++) {
                    assertEquals(names[k], md.getColumnLabel(k + 1));
                    assertEquals(pgNames[k], md.getColumnTypeName(k + 1), names[k]);
                    assertEquals(types[k], md.getColumnType(k + 1), names[k]);
                }
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void fetchSizeUsesPortalsInsideATransaction() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE fetch_big (v integer PRIMARY KEY)");
                s.execute("INSERT INTO fetch_big WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) SELECT x FROM n");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM fetch_big WHERE v > ? ORDER BY v")) {
                ps.setFetchSize(50);
                ps.setInt(1, 0);
                List<Integer> seen = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) seen.add(rs.getInt(1));
                }
                assertEquals(3000, seen.size());
                for (int k = 0; k < seen.size(); k++) assertEquals(k + 1, seen.get(k));
            }
            // Two open result sets with fetch sizes, read alternately: two portals at once.
            try (Statement s1 = c.createStatement(); Statement s2 = c.createStatement()) {
                s1.setFetchSize(7);
                s2.setFetchSize(11);
                try (ResultSet r1 = s1.executeQuery("SELECT v FROM fetch_big ORDER BY v");
                     ResultSet r2 = s2.executeQuery("SELECT v FROM fetch_big ORDER BY v DESC")) {
                    for (int k = 0; k < 100; k++) {
                        assertTrue(r1.next());
                        assertTrue(r2.next());
                        assertEquals(k + 1, r1.getInt(1));
                        assertEquals(3000 - k, r2.getInt(1));
                    }
                }
            }
            c.commit();
        }
    }

    /** A server-side cursor over 100k rows: setFetchSize makes pgjdbc read a portal 1000 rows per Execute. */
    @Test
    void fetchSizeStreamsOneHundredThousandRows() throws Exception {
        final int n = 100_000;
        try (Connection c = server.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT i, 'payload ' || i AS label FROM generate_series(1, ?) s(i)")) {
                ps.setFetchSize(1000);
                ps.setInt(1, n);
                long count = 0, sum = 0, labelChars = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = rs.getInt(1);
                        String label = rs.getString(2);
                        count++;
                        sum += i;
                        labelChars += label.length();
                        if (!label.equals("payload " + i)) assertEquals("payload " + i, label, "row " + count);
                    }
                }
                long digits = 0;
                for (int i = 1; i <= n; i++) digits += Integer.toString(i).length();
                assertEquals(n, count);
                assertEquals((long) n * (n + 1) / 2, sum);
                assertEquals("payload ".length() * (long) n + digits, labelChars);
            }
            c.commit();
            assertEquals(1, scalarLong(c, "SELECT 1"), "the connection goes on after the cursor");
        }
    }

    @Test
    void generatedKeysWithReturning() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE gen (id SERIAL PRIMARY KEY, name text)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gen (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "first");
                assertEquals(1, ps.executeUpdate());
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertTrue(keys.next());
                    assertEquals(1, keys.getInt("id"));
                }
            }
        }
    }

    @Test
    void databaseMetaDataWithoutCatalogs() throws Exception {
        try (Connection c = server.connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("PostgreSQL", md.getDatabaseProductName());
            assertTrue(md.getDatabaseProductVersion().startsWith("15"), md.getDatabaseProductVersion());
            assertTrue(md.getDriverVersion().startsWith("42."));
            assertEquals("demo", md.getUserName());
        }
    }

    // getTables runs "SELECT current_catalog AS "TABLE_CAT", ... FROM pg_catalog.pg_namespace n,
    // pg_catalog.pg_class c ...", getColumns and getPrimaryKeys read pg_attribute and pg_index.
    @Test
    void databaseMetaDataTablesAndColumns() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE dmd (id integer PRIMARY KEY, name text)");
            }
            DatabaseMetaData md = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "dmd", new String[] {"TABLE"})) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            assertEquals(List.of("dmd"), tables);
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, null, "dmd", null)) {
                while (rs.next()) cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
            }
            assertEquals(List.of("id:int4", "name:text"), cols);
            try (ResultSet rs = md.getPrimaryKeys(null, null, "dmd")) {
                assertTrue(rs.next());
                assertEquals("id", rs.getString("COLUMN_NAME"));
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX dmd_name_idx ON dmd (name)");
            }
            List<String> idx = new ArrayList<>();
            try (ResultSet rs = md.getIndexInfo(null, null, "dmd", false, false)) {
                while (rs.next())
                    idx.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getBoolean("NON_UNIQUE"));
            }
            assertEquals(List.of("dmd_pkey:id:false", "dmd_name_idx:name:true"), idx); // unique first, as the spec orders
        }
    }

    // COPY through org.postgresql.copy.CopyManager: one million rows (id, name, v) in from a
    // Reader and out to a Writer, in text format; name is NULL on every 1000th row and
    // v = id / 4 (exact in binary floating point).  Checked by count, sums and sampled rows.
    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void copyManagerMillionRowsInAndOut() throws Exception {
        final int n = 1_000_000;
        final long idSum = (long) n * (n - 1) / 2;
        StringBuilder text = new StringBuilder(n * 24);
        for (int i = 0; i < n; i++)
            text.append(i).append('\t').append(i % 1000 == 0 ? "\\N" : "n" + i).append('\t').append(i / 4.0).append('\n');
        try (Connection c = server.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE copy_jdbc (id integer, name text, v double precision)");
            }
            org.postgresql.copy.CopyManager cm = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            assertEquals(n, cm.copyIn("COPY copy_jdbc FROM STDIN", new java.io.StringReader(text.toString())));
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), sum(id), sum(v), count(name) FROM copy_jdbc")) {
                assertTrue(rs.next());
                assertEquals(n, rs.getLong(1));
                assertEquals(idSum, rs.getLong(2));
                assertEquals(idSum / 4.0, rs.getDouble(3));
                assertEquals(n - n / 1000, rs.getLong(4));
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, v FROM copy_jdbc WHERE id = 777777")) {
                assertTrue(rs.next());
                assertEquals("n777777", rs.getString(1));
                assertEquals(194444.25, rs.getDouble(2));
            }
            java.io.StringWriter out = new java.io.StringWriter(n * 24);
            assertEquals(n, cm.copyOut("COPY copy_jdbc TO STDOUT", out));
            String[] lines = out.toString().split("\n");
            assertEquals(n, lines.length);
            long ids = 0, nulls = 0;
            for (String line : lines) {
                String[] f = line.split("\t");
                ids += Long.parseLong(f[0]);
                if (f[1].equals("\\N")) nulls++;
                assertEquals(Long.parseLong(f[0]) / 4.0, Double.parseDouble(f[2]), line);
            }
            assertEquals(idSum, ids);
            assertEquals(n / 1000, nulls);
            assertTrue(List.of(lines).contains("777777\tn777777\t194444.25"));
            assertTrue(List.of(lines).contains("1000\t\\N\t250"));
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE copy_jdbc");
            }
        }
    }
}
