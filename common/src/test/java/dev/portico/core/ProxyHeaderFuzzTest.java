package dev.portico.core;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the PROXY header reader with what a broken or hostile proxy might send. Properties: the
 * only exception is an {@link IOException} (a refused header); it never reads past the
 * specification's bounds (107 bytes for version 1, 16 plus {@link ProxyProtocol#MAX_V2_PAYLOAD}
 * for version 2), whatever length a header claims; an accepted header names an address.
 */
class ProxyHeaderFuzzTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 1);

    @FuzzTest
    void headersAreReadWithinBoundsOrRefused(byte[] input) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        InetSocketAddress client;
        try {
            client = ProxyProtocol.read(in, PEER);
        } catch (IOException refused) {
            assertThat(input.length - in.available()).isLessThanOrEqualTo(16 + ProxyProtocol.MAX_V2_PAYLOAD);
            return;
        }
        int consumed = input.length - in.available();
        assertThat(consumed).isLessThanOrEqualTo(input[0] == 'P' ? ProxyProtocol.MAX_V1 : 16 + ProxyProtocol.MAX_V2_PAYLOAD);
        assertThat(client.getAddress()).isNotNull();
    }
}
