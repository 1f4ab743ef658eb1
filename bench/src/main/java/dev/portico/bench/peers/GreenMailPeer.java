package dev.portico.bench.peers;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail with only its SMTP service on {@code --port P} (bound to {@code --bind}, default 127.0.0.1),
 * authentication disabled so any recipient is accepted; messages are kept in memory, as GreenMail does.
 */
public final class GreenMailPeer {
    private GreenMailPeer() {
    }

    /**
     * Starts GreenMail and blocks.
     *
     * @param args {@code --port P [--bind ADDR]}
     * @throws Exception when GreenMail cannot start
     */
    public static void main(String[] args) throws Exception {
        var opt = PeerArgs.parse(args);
        ServerSetup smtp = new ServerSetup(Integer.parseInt(opt.get("port")), opt.getOrDefault("bind", "127.0.0.1"),
                ServerSetup.PROTOCOL_SMTP);
        GreenMail mail = new GreenMail(smtp).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop));
        System.out.println("greenmail: ready");
        Thread.currentThread().join();
    }
}
