package dev.portico.bench.peers;

import java.util.List;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * Apache MINA FtpServer with one user, a fixed passive port range and login limits lifted (the defaults cap
 * logins at 10). Arguments: {@code --port P --root DIR --user U --password PW --passive-ports LO-HI}.
 */
public final class MinaFtpPeer {
    private MinaFtpPeer() {
    }

    /**
     * Starts the server and blocks.
     *
     * @param args see class comment
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        var opt = PeerArgs.parse(args);
        FtpServerFactory server = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress(opt.getOrDefault("bind", "127.0.0.1"));
        listener.setPort(Integer.parseInt(opt.get("port")));
        listener.setIdleTimeout(3600);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassivePorts(opt.getOrDefault("passive-ports", "24000-24999"));
        data.setPassiveAddress("127.0.0.1");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        server.addListener("default", listener.createListener());

        ConnectionConfigFactory conn = new ConnectionConfigFactory();
        conn.setMaxLogins(100_000);
        conn.setMaxThreads(0);
        conn.setAnonymousLoginEnabled(false);
        server.setConnectionConfig(conn.createConnectionConfig());

        UserManager users = new PropertiesUserManagerFactory().createUserManager();
        BaseUser user = new BaseUser();
        user.setName(opt.getOrDefault("user", "bench"));
        user.setPassword(opt.getOrDefault("password", "bench"));
        user.setHomeDirectory(opt.get("root"));
        user.setMaxIdleTime(3600);
        user.setAuthorities(List.<Authority>of(new WritePermission(), new ConcurrentLoginPermission(0, 0),
                new TransferRatePermission(0, 0)));
        users.save(user);
        server.setUserManager(users);

        FtpServer ftp = server.createServer();
        ftp.start();
        Runtime.getRuntime().addShutdownHook(new Thread(ftp::stop));
        System.out.println("mina: ready");
        Thread.currentThread().join();
    }
}
