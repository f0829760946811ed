package orch.testservers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.config.Setting;

/**
 * An embedded Neo4j DBMS with Bolt on 127.0.0.1, for scripts/servers/neo4j.sh.
 *
 * <p>Usage: {@code java orch.testservers.Neo4jLauncher HOME_DIR PORT} with the password in the
 * environment variable ORCH_NEO4J_PASSWORD. Prints {@code ORCH_NEO4J_READY bolt://127.0.0.1:PORT}
 * once the password is set (Bolt accepts connections earlier, with the initial password), exits 1
 * on any start-up failure (the DBMS threads are non-daemon: an exception escaping main would leave
 * the JVM up), and shuts the DBMS down on SIGTERM. The same source compiles against 5.26 and
 * 2026.x; the one setting whose type differs between them is handled in {@link #quietPeriod}.
 */
public final class Neo4jLauncher {
  private Neo4jLauncher() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      if (args.length != 2) throw new IllegalArgumentException("usage: Neo4jLauncher HOME_DIR PORT");
      String password = System.getenv("ORCH_NEO4J_PASSWORD");
      if (password == null || password.length() < 8) {
        throw new IllegalArgumentException("ORCH_NEO4J_PASSWORD must be set (8+ characters)");
      }
      run(Path.of(args[0]).toAbsolutePath(), Integer.parseInt(args[1]), password, out);
    } catch (Throwable t) {
      System.err.println("ORCH_NEO4J_FAILED " + t);
      t.printStackTrace();
      System.err.flush();
      // halt, not exit: no shutdown hook may wait on a half-started DBMS
      Runtime.getRuntime().halt(1);
    }
  }

  private static void run(Path home, int port, String password, PrintStream out) throws Exception {
    DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false);
    quietPeriod(builder);
    DatabaseManagementService dbms = builder.build();

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("ORCH_NEO4J_STOPPING");
      dbms.shutdown();
      System.err.println("ORCH_NEO4J_STOPPED");
    }, "orch-neo4j-shutdown"));

    setPassword(dbms, password);
    out.println("ORCH_NEO4J_READY bolt://127.0.0.1:" + port);
    out.flush();
  }

  /**
   * netty_server_shutdown_quiet_period 0, or SIGTERM takes 5-10 s. It is a Setting&lt;Integer&gt;
   * (seconds) in 5.26 and a Setting&lt;Duration&gt; in 2026.x; pick the value from its default.
   */
  @SuppressWarnings("unchecked")
  private static void quietPeriod(DatabaseManagementServiceBuilder builder) {
    Setting<Object> setting =
        (Setting<Object>) (Setting<?>) GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period;
    Object current = setting.defaultValue();
    Object zero = current instanceof Duration ? Duration.ZERO : (Object) Integer.valueOf(0);
    builder.setConfig(setting, zero);
  }

  /**
   * Sets the password of neo4j on the system database. A fresh store has the initial password
   * with "change required"; setting the password it already has throws, which counts as done.
   */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    var system = dbms.database("system");
    boolean changeRequired = system.executeTransactionally(
        "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' RETURN passwordChangeRequired",
        Map.of(),
        result -> result.hasNext() && Boolean.TRUE.equals(result.next().get("passwordChangeRequired")));
    try {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
      System.err.println(changeRequired ? "ORCH_NEO4J_PASSWORD_SET (initial)" : "ORCH_NEO4J_PASSWORD_SET (changed)");
    } catch (RuntimeException e) {
      if (!changeRequired && sameOldPassword(e)) {
        System.err.println("ORCH_NEO4J_PASSWORD_SET (already)");
        return;
      }
      throw e;
    }
  }

  private static boolean sameOldPassword(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.toLowerCase().contains("old password and new password cannot be the same")) return true;
    }
    return false;
  }
}
