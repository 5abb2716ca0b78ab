import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Starts Amazon DynamoDB Local listening on 127.0.0.1 only.
 *
 * DynamoDB Local has no host option: its Jetty server listens on every interface. The server is
 * built, but not started, by ServerRunner.createServerFromCommandLineArgs, so we set the host of
 * each connector before calling start(). All command-line options of DynamoDB Local are passed
 * through unchanged.
 *
 * With -Ddynamodel.exitWithParent=true the process also exits as soon as its standard input
 * closes. The Node parent holds the other end of that pipe, so if the parent dies in any way
 * (even SIGKILL) the operating system closes it and no orphan Java process is left behind.
 *
 * Rebuild the committed .class with: pnpm --filter @dynamodel/local build:launcher
 */
public final class LoopbackDynamoDBLocal {
  private LoopbackDynamoDBLocal() {}

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("dynamodel.host", "127.0.0.1");
    if (Boolean.getBoolean("dynamodel.exitWithParent")) {
      watchParent();
    }
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Method create = runner.getMethod("createServerFromCommandLineArgs", String[].class);
    Object proxy = create.invoke(null, (Object) args);
    if (proxy == null) {
      System.err.println("DynamoDB Local did not accept its arguments");
      System.exit(2);
    }
    Field serverField = proxy.getClass().getDeclaredField("server");
    serverField.setAccessible(true);
    Object server = serverField.get(proxy);
    Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on " + host);
  }

  private static void watchParent() {
    Thread watcher = new Thread(() -> {
      InputStream in = System.in;
      byte[] buffer = new byte[256];
      try {
        while (in.read(buffer) >= 0) {
          // Ignore anything written; only the end of the stream matters.
        }
      } catch (Exception ignored) {
        // A broken pipe means the parent is gone too.
      }
      Runtime.getRuntime().halt(0);
    }, "dynamodel-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
